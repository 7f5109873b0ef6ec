import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { nameKeys } from '../domain/name-keys.js';
import { createOrderedWrites } from '../store/ordered-writes.js';
import type { AppStore } from '../store/repositories.js';
import { createDirectoryWriter } from '../store/routing-directory/index.js';
import { createApiKeyService } from './api-keys.js';
import { createAuditService } from './audit.js';
import { createBillingService } from './billing.js';
import { createCallService } from './calls.js';
import { createCdrService } from './cdrs.js';
import { createConferencePort } from './conference-port.js';
import { createConferenceService } from './conferences.js';
import { createContactService } from './contacts.js';
import { createGroupService } from './groups.js';
import { createMemberService } from './members.js';
import { createMessageService } from './messages.js';
import { createRingbackService } from './ringback.js';
import { createRoutingService } from './routing.js';
import { createSimSubscriberService } from './sim-subscribers.js';
import { createSwitchboardService } from './switchboards.js';
import { createTariffService } from './tariffs.js';
import { createVpnService } from './vpn.js';
import { createWriteUnits } from './write-units.js';

/**
 * Wires repositories, the routing directory and the services. The directory is loaded from
 * SQLite here, once, before the app answers anything; from then on it changes only through
 * its writer, which the services that own its facts call after each committed write. Every
 * dependency is passed at construction, calls ↔ conferences through the port both are given.
 */
export async function createServices(deps: {
  /** The store (async repositories, transactions). */
  store: AppStore;
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
  const { clock, store } = deps;

  // Search keys made by an older version of nameKeys are recomputed before the directory loads.
  await store.repos.members.rekeyNames(nameKeys);

  const writer = createDirectoryWriter(deps.config.conferenceAccessNumber);
  writer.load({
    groups: await store.repos.groups.all(),
    vpns: await store.repos.vpn.allVpns(),
    members: await store.repos.members.all(),
    subgroups: await store.repos.vpn.allSubgroups(),
    subgroupMembers: await store.repos.vpn.allLinks(),
    switchboards: await store.repos.switchboards.all(),
    switchboardExtensions: await store.repos.switchboards.allExtensions(),
    switchboardOperators: await store.repos.switchboards.allOperators(),
  });
  const directory = writer.directory;

  const tariffs = await createTariffService({ repos: store.repos, clock });
  const groupRecords = createGroupService({ store, directory, writer, clock });
  const ringback = await createRingbackService({
    store,
    groups: groupRecords,
    directory,
    writer,
    tariffs,
    clock,
  });
  // A group's time zone is part of its compiled ringback: rebuild it after every committed
  // group update, and drop it with the group.
  const groups = {
    ...groupRecords,
    async update(id: string, patch: Parameters<typeof groupRecords.update>[1]) {
      const view = await groupRecords.update(id, patch);
      await ringback.recompile(id);
      return view;
    },
    async remove(id: string) {
      await groupRecords.remove(id);
      await ringback.recompile(id);
    },
  };
  const members = createMemberService({ store, groups, directory, writer, clock });
  const vpn = createVpnService({ store, groups, members, directory, writer, clock });
  const routing = createRoutingService({ directory, tariffs, resolveRingback: ringback.resolver });
  const messages = createMessageService({ repos: deps.store.repos, routing, directory, clock });
  const subscribers = await createSimSubscriberService({ repos: deps.store.repos, directory, clock });
  // Calls and conferences each need the other: the port is created first and given to both.
  // Their writes go through one set of units, queued in order per call and per room.
  const conferencePort = createConferencePort();
  const units = createWriteUnits({
    store,
    ordered: createOrderedWrites(),
    ...(deps.onBackgroundError ? { report: deps.onBackgroundError } : {}),
  });
  const calls = await createCallService({
    repo: store.repos.calls,
    units,
    routing,
    directory,
    resolveRingback: ringback.resolver,
    subscribers,
    conferences: conferencePort,
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
  // The conference bridge loads its unfinished rooms, then serves the port: from then on it
  // hears about its legs from the calls service.
  const conferences = await createConferenceService({
    repo: store.repos.conferences,
    units,
    calls,
    port: conferencePort,
    messages,
    contacts,
    tariffs,
    directory,
    clock,
    accessNumber: deps.config.conferenceAccessNumber,
    defaultMaxParticipants: deps.config.conferenceMaxParticipants,
    ...(deps.onBackgroundError ? { onError: deps.onBackgroundError } : {}),
  });
  const billing = createBillingService({
    store: deps.store,
    groups,
    tariffs,
    directory,
    clock,
    conferenceUsage: conferences.usageOf,
  });
  const switchboards = createSwitchboardService({
    store: deps.store,
    groups,
    directory,
    writer,
    clock,
    hasActiveCalls: calls.hasActiveCalls,
  });
  const apiKeys = createApiKeyService({
    store: deps.store,
    stored: await deps.store.repos.apiKeys.all(),
    now: deps.wallClock,
    adminKey: deps.adminKey,
    hmacSecret: deps.apiKeyHmacSecret,
    defaultRateLimitPerSecond: deps.config.rateLimitPerSecond,
    adminRateLimitPerSecond: deps.config.adminRateLimitPerSecond,
    groupExists: groups.exists,
    ...(deps.onBackgroundError ? { onError: deps.onBackgroundError } : {}),
  });
  const audit = createAuditService({ repos: deps.store.repos, now: deps.wallClock });

  return {
    clock,
    directory,
    idempotencyRepo: deps.store.repos.idempotency,
    /** Resolves once the calls' and conferences' writes queued so far have settled (clock moves, close). */
    writesSettled: () => units.idle(),
    /** Whether the database answers (readiness). */
    health: deps.store.repos.health,
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
