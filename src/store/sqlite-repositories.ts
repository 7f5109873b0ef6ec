import type { Db } from '../../db/sqlite/index.js';
import { createApiKeyRepo } from './api-key-repo.js';
import { createAuditRepo } from './audit-repo.js';
import { createBillingRepo } from './billing-repo.js';
import { createCallRepo } from './call-repo.js';
import { createCdrRepo } from './cdr-repo.js';
import { createConferenceRepo } from './conference-repo.js';
import { createContactRepo } from './contact-repo.js';
import { createGroupRepo } from './group-repo.js';
import { createHealthRepo } from './health-repo.js';
import { createIdempotencyRepo } from './idempotency-repo.js';
import { createMemberRepo } from './member-repo.js';
import { createMessageRepo } from './message-repo.js';
import { createRingbackRepo } from './ringback-repo.js';
import { createSimSubscriberRepo } from './sim-subscriber-repo.js';
import { createSqliteStore } from './sqlite-store.js';
import { createSwitchboardRepo } from './switchboard-repo.js';
import { createTariffRepo } from './tariff-repo.js';
import { createVpnRepo } from './vpn-repo.js';

/** Every repository on one SQLite connection (prepared once). */
export function createSqliteRepositories(db: Db) {
  return {
    apiKeys: createApiKeyRepo(db),
    audit: createAuditRepo(db),
    billing: createBillingRepo(db),
    calls: createCallRepo(db),
    cdrs: createCdrRepo(db),
    conferences: createConferenceRepo(db),
    contacts: createContactRepo(db),
    groups: createGroupRepo(db),
    health: createHealthRepo(db),
    idempotency: createIdempotencyRepo(db),
    members: createMemberRepo(db),
    messages: createMessageRepo(db),
    ringback: createRingbackRepo(db),
    simSubscribers: createSimSubscriberRepo(db),
    switchboards: createSwitchboardRepo(db),
    tariffs: createTariffRepo(db),
    vpn: createVpnRepo(db),
  };
}

export function createSqliteBackedStore(db: Db) {
  return createSqliteStore(db.$client, createSqliteRepositories(db));
}
