import type { Db } from '../../db/sqlite/index.js';
import type { Config } from '../config.js';
import { nameKeys } from '../domain/name-keys.js';
import type { Clock } from '../sim/clock.js';
import { createApiKeyRepo } from '../store/api-key-repo.js';
import { createAuditRepo } from '../store/audit-repo.js';
import { createBillingRepo } from '../store/billing-repo.js';
import { createCallRepo } from '../store/call-repo.js';
import { createCdrRepo } from '../store/cdr-repo.js';
import { createConferenceRepo } from '../store/conference-repo.js';
import { createContactRepo } from '../store/contact-repo.js';
import { createDirectoryStore } from '../store/directory-store.js';
import { createGroupRepo } from '../store/group-repo.js';
import { createIdempotencyRepo } from '../store/idempotency-repo.js';
import { createMemberRepo } from '../store/member-repo.js';
import { createMessageRepo } from '../store/message-repo.js';
import { createRingbackRepo } from '../store/ringback-repo.js';
import { createSimSubscriberRepo } from '../store/sim-subscriber-repo.js';
import { createSwitchboardRepo } from '../store/switchboard-repo.js';
import { createVpnRepo } from '../store/vpn-repo.js';
import { createApiKeyService } from './api-keys.js';
import { createAuditService } from './audit.js';
import { createBillingService } from './billing.js';
import { createCallService } from './calls.js';
import { createCdrService } from './cdrs.js';
import { createConferenceService } from './conferences.js';
import { createContactService } from './contacts.js';
import { createGroupService, type GroupService } from './groups.js';
import { createMemberService } from './members.js';
import { createMessageService } from './messages.js';
import { createRingbackService } from './ringback.js';
import { createRoutingService } from './routing.js';
import { createSimSubscriberService } from './sim-subscribers.js';
import { createSwitchboardService } from './switchboards.js';
import { createTariffService } from './tariffs.js';
import { createVpnService } from './vpn.js';

/**
 * Wires repositories, the in-memory directory and the services. The directory is loaded from
 * SQLite here, once, before the app answers anything.
 */
export function createServices(deps: {
  db: Db;
  clock: Clock;
  config: Readonly<Config>;
  adminKey: string;
  /** Keys the HMAC of stored API keys. */
  apiKeyHmacSecret: string | Buffer;
  /** The wall clock (ms), for what is about real people rather than the simulation: keys, audit. */
  wallClock: () => number;
  /** Failures of work that runs outside a request (due subscriber answers). */
  onBackgroundError?: (error: unknown) => void;
}) {
  const { db, clock } = deps;
  const groupRepo = createGroupRepo(db);
  const memberRepo = createMemberRepo(db);
  const vpnRepo = createVpnRepo(db);
  const switchboardRepo = createSwitchboardRepo(db);

  // Search keys made by an older version of nameKeys are recomputed before the directory loads.
  memberRepo.rekeyNames(nameKeys);

  const directoryStore = createDirectoryStore(deps.config.conferenceAccessNumber);
  directoryStore.load({
    groups: groupRepo.all(),
    vpns: vpnRepo.allVpns(),
    members: memberRepo.all(),
    subgroups: vpnRepo.allSubgroups(),
    subgroupMembers: vpnRepo.allLinks(),
    switchboards: switchboardRepo.all(),
    switchboardExtensions: switchboardRepo.allExtensions(),
    switchboardOperators: switchboardRepo.allOperators(),
  });
  const directory = directoryStore.directory;

  const tariffs = createTariffService({ db, clock });
  const groupRecords = createGroupService({ repo: groupRepo, directory: directoryStore, clock });
  const ringback = createRingbackService({
    repo: createRingbackRepo(db),
    groups: groupRecords,
    directory,
    tariffs,
    clock,
  });
  // A group's time zone is part of its compiled ringback: rebuild it after every committed
  // group update, and drop it with the group.
  const groups: GroupService = {
    ...groupRecords,
    update(id, patch) {
      const view = groupRecords.update(id, patch);
      ringback.recompile(id);
      return view;
    },
    remove(id) {
      groupRecords.remove(id);
      ringback.recompile(id);
    },
  };
  const members = createMemberService({ repo: memberRepo, groups, directory: directoryStore, clock });
  const vpn = createVpnService({ repo: vpnRepo, groups, members, directory: directoryStore, clock });
  const routing = createRoutingService({ directory, tariffs, resolveRingback: ringback.resolver });
  const messages = createMessageService({ repo: createMessageRepo(db), routing, directory, clock });
  const subscribers = createSimSubscriberService({ repo: createSimSubscriberRepo(db), directory, clock });
  const calls = createCallService({
    repo: createCallRepo(db),
    routing,
    directory,
    resolveRingback: ringback.resolver,
    subscribers,
    clock,
    ...(deps.onBackgroundError ? { onError: deps.onBackgroundError } : {}),
  });
  const cdrs = createCdrService({ repo: createCdrRepo(db) });
  const contacts = createContactService({
    repo: createContactRepo(db),
    members: memberRepo,
    groups,
    directory,
    clock,
  });
  // The conference bridge loads its unfinished rooms, then hears about its legs from the calls service.
  const conferences = createConferenceService({
    repo: createConferenceRepo(db),
    calls,
    messages,
    contacts,
    tariffs,
    directory,
    clock,
    accessNumber: deps.config.conferenceAccessNumber,
    defaultMaxParticipants: deps.config.conferenceMaxParticipants,
    ...(deps.onBackgroundError ? { onError: deps.onBackgroundError } : {}),
  });
  calls.attachConferenceBridge(conferences.bridge);
  const billing = createBillingService({
    repo: createBillingRepo(db),
    groups,
    tariffs,
    directory,
    clock,
    conferenceUsage: conferences.usageOf,
  });
  const switchboards = createSwitchboardService({
    repo: switchboardRepo,
    groups,
    directory: directoryStore,
    clock,
    hasActiveCalls: calls.hasActiveCalls,
  });
  const apiKeys = createApiKeyService({
    repo: createApiKeyRepo(db),
    now: deps.wallClock,
    adminKey: deps.adminKey,
    hmacSecret: deps.apiKeyHmacSecret,
    defaultRateLimitPerSecond: deps.config.rateLimitPerSecond,
    adminRateLimitPerSecond: deps.config.adminRateLimitPerSecond,
    groupExists: groups.exists,
  });
  const audit = createAuditService({ repo: createAuditRepo(db), now: deps.wallClock });

  return {
    clock,
    directory,
    idempotencyRepo: createIdempotencyRepo(db),
    apiKeys,
    audit,
    tariffs,
    groups,
    members,
    vpn,
    switchboards,
    ringback,
    routing,
    messages,
    subscribers,
    calls,
    cdrs,
    contacts,
    conferences,
    billing,
  };
}

export type Services = ReturnType<typeof createServices>;
