import type { Db } from '../../db/index.js';
import type { Config } from '../config.js';
import { nameKeys } from '../domain/name-keys.js';
import type { Clock } from '../sim/clock.js';
import { createDirectoryStore } from '../store/directory-store.js';
import type { AppStore, createSqliteRepositories } from '../store/sqlite-repositories.js';
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
export async function createServices(deps: {
  db: Db;
  /** The store (async repositories, transactions): what converted services use. */
  store: AppStore;
  /** The same repositories, synchronous: what services not yet on the store use (issue 18). */
  repos: ReturnType<typeof createSqliteRepositories>;
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
  const { db, clock, repos, store } = deps;
  const switchboardRepo = repos.switchboards;

  // Search keys made by an older version of nameKeys are recomputed before the directory loads.
  await store.repos.members.rekeyNames(nameKeys);

  const directoryStore = createDirectoryStore(deps.config.conferenceAccessNumber);
  directoryStore.load({
    groups: await store.repos.groups.all(),
    vpns: await store.repos.vpn.allVpns(),
    members: await store.repos.members.all(),
    subgroups: await store.repos.vpn.allSubgroups(),
    subgroupMembers: await store.repos.vpn.allLinks(),
    switchboards: await store.repos.switchboards.all(),
    switchboardExtensions: await store.repos.switchboards.allExtensions(),
    switchboardOperators: await store.repos.switchboards.allOperators(),
  });
  const directory = directoryStore.directory;

  const tariffs = createTariffService({ db, clock });
  const groupRecords = createGroupService({ store, directory: directoryStore, clock });
  const ringback = createRingbackService({
    repo: repos.ringback,
    groups: groupRecords,
    directory,
    tariffs,
    clock,
  });
  // A group's time zone is part of its compiled ringback: rebuild it after every committed
  // group update, and drop it with the group.
  const groups: GroupService = {
    ...groupRecords,
    async update(id, patch) {
      const view = await groupRecords.update(id, patch);
      await ringback.recompile(id);
      return view;
    },
    async remove(id) {
      await groupRecords.remove(id);
      await ringback.recompile(id);
    },
  };
  const members = createMemberService({ store, groups, directory: directoryStore, clock });
  const vpn = createVpnService({ store, groups, members, directory: directoryStore, clock });
  const routing = createRoutingService({ directory, tariffs, resolveRingback: ringback.resolver });
  const messages = createMessageService({ repo: repos.messages, routing, directory, clock });
  const subscribers = createSimSubscriberService({ repo: repos.simSubscribers, directory, clock });
  const calls = createCallService({
    repo: repos.calls,
    routing,
    directory,
    resolveRingback: ringback.resolver,
    subscribers,
    clock,
    ...(deps.onBackgroundError ? { onError: deps.onBackgroundError } : {}),
  });
  const cdrs = createCdrService({ repos: deps.store.repos });
  const contacts = createContactService({
    repos: store.repos,
    groups,
    directory,
    clock,
  });
  // The conference bridge loads its unfinished rooms, then hears about its legs from the calls service.
  const conferences = createConferenceService({
    repo: repos.conferences,
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
    repo: repos.billing,
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
    repo: repos.apiKeys,
    now: deps.wallClock,
    adminKey: deps.adminKey,
    hmacSecret: deps.apiKeyHmacSecret,
    defaultRateLimitPerSecond: deps.config.rateLimitPerSecond,
    adminRateLimitPerSecond: deps.config.adminRateLimitPerSecond,
    groupExists: groups.exists,
  });
  const audit = createAuditService({ repo: repos.audit, now: deps.wallClock });

  return {
    clock,
    directory,
    idempotencyRepo: repos.idempotency,
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

export type Services = Awaited<ReturnType<typeof createServices>>;
