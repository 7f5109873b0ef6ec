import { createPostgresApiKeyRepo } from './postgres/api-key-repo.js';
import { createPostgresAuditRepo } from './postgres/audit-repo.js';
import { createPostgresBillingRepo } from './postgres/billing-repo.js';
import { createPostgresCallRepo } from './postgres/call-repo.js';
import { createPostgresCdrRepo } from './postgres/cdr-repo.js';
import { createPostgresConferenceRepo } from './postgres/conference-repo.js';
import { createPostgresContactRepo } from './postgres/contact-repo.js';
import { createPostgresGroupRepo } from './postgres/group-repo.js';
import { createPostgresHealthRepo } from './postgres/health-repo.js';
import { createPostgresIdempotencyRepo } from './postgres/idempotency-repo.js';
import { createPostgresMemberRepo } from './postgres/member-repo.js';
import { createPostgresMessageRepo } from './postgres/message-repo.js';
import { createPostgresRingbackRepo } from './postgres/ringback-repo.js';
import { createPostgresSimSubscriberRepo } from './postgres/sim-subscriber-repo.js';
import { createPostgresSwitchboardRepo } from './postgres/switchboard-repo.js';
import { createPostgresTariffRepo } from './postgres/tariff-repo.js';
import { createPostgresVpnRepo } from './postgres/vpn-repo.js';
import { createPostgresStore, type PgExecutor } from './postgres-store.js';
import type { AppStore, Repositories } from './repositories.js';

/**
 * Every repository on a PostgreSQL executor (the pool, or one transaction's client). They hold
 * no prepared state, so making them afresh for each transaction costs a few closures.
 */
export function createPostgresRepositories(db: PgExecutor): Repositories {
  return {
    apiKeys: createPostgresApiKeyRepo(db),
    audit: createPostgresAuditRepo(db),
    billing: createPostgresBillingRepo(db),
    calls: createPostgresCallRepo(db),
    cdrs: createPostgresCdrRepo(db),
    conferences: createPostgresConferenceRepo(db),
    contacts: createPostgresContactRepo(db),
    groups: createPostgresGroupRepo(db),
    health: createPostgresHealthRepo(db),
    idempotency: createPostgresIdempotencyRepo(db),
    members: createPostgresMemberRepo(db),
    messages: createPostgresMessageRepo(db),
    ringback: createPostgresRingbackRepo(db),
    simSubscribers: createPostgresSimSubscriberRepo(db),
    switchboards: createPostgresSwitchboardRepo(db),
    tariffs: createPostgresTariffRepo(db),
    vpn: createPostgresVpnRepo(db),
  };
}

export function createPostgresBackedStore(db: PgExecutor): AppStore {
  return createPostgresStore(db, createPostgresRepositories);
}
