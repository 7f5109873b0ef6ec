import { nationalCalendar } from '../domain/calendar/national-calendar.js';
import type { Clock } from '../domain/clock.js';
import { AppError, notFound } from '../domain/errors.js';
import { DEFAULT_TIMEZONE } from '../domain/group-rules.js';
import { newId } from '../domain/ids.js';
import {
  type CompiledGroupRingback,
  compileGroupRingback,
  explainRingback,
  type GroupCalendar,
  type RingbackAudience,
  type RingbackIssue,
  type RingbackPlayback,
  type RingbackPolicy,
  type RingbackSchedule,
  resolveRingback,
  validateRingbackPolicy,
} from '../engines/ringback/index.js';
import type { RouteRequest } from '../engines/vpn/index.js';
import type { AppStore, Repositories } from '../store/repositories.js';
import type { RingbackPolicyRow, RingbackToneRow } from '../store/ringback-repo.js';
import type { DirectoryWriter, MemberEntry, RoutingDirectory } from '../store/routing-directory/index.js';
import { createSerialLock } from '../store/serial-lock.js';
import type { GroupService } from './groups.js';
import type { RingbackResolver } from './routing.js';
import type { TariffService } from './tariffs.js';
import { iso } from './views.js';

export interface ToneInput {
  title: string;
  durationSeconds: number;
}

export interface PolicyInput {
  name: string;
  appliesTo: RingbackAudience;
  schedule?: RingbackSchedule | null | undefined;
  toneIds: string[];
  playback: RingbackPlayback;
  priority?: number | undefined;
  enabled?: boolean | undefined;
}

export interface CalendarInput {
  holidays: string[];
  workdays: string[];
}

const toneView = (row: RingbackToneRow) => ({
  id: row.id,
  groupId: row.groupId,
  title: row.title,
  durationSeconds: row.durationSeconds,
  productionFeeFen: row.productionFeeFen,
  createdAt: iso(row.createdAt),
});

const policyView = (row: RingbackPolicyRow) => ({
  id: row.id,
  groupId: row.groupId,
  name: row.name,
  appliesTo: row.appliesTo,
  schedule: row.schedule ?? null,
  toneIds: row.toneIds,
  playback: row.playback,
  priority: row.priority,
  enabled: row.enabled,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

const enginePolicy = (row: RingbackPolicyRow): RingbackPolicy => ({
  id: row.id,
  name: row.name,
  appliesTo: row.appliesTo,
  schedule: row.schedule ?? null,
  toneIds: row.toneIds,
  playback: row.playback,
  priority: row.priority,
  enabled: row.enabled,
  createdSeq: row.seq,
});

/**
 * How `validateRingbackPolicy` issues map to HTTP. The body has already passed the zod schema
 * (types and shapes), so what is left splits in two:
 *
 * - 422, a domain rule broken by a well-formed policy: a tone id the group does not have
 *   (`unknown_tone` when those are the only problems), and `ringback_invalid` for an empty
 *   audience, no tones, an empty weekday list, an empty time window (end equal to start) or
 *   `dateTo` before `dateFrom` — each value is readable, but together they make no policy.
 * - 400 `validation_failed`, a value that is not of its form or out of its range: `25:00`,
 *   `2026-02-30`, weekday 8, an unknown schedule field, and anything else the engine reports.
 *
 * A body with any 400 issue is a 400 listing just those.
 */
function isDomainIssue({ path, message }: RingbackIssue): boolean {
  if (/^toneIds\.\d+$/.test(path)) return message.startsWith('unknown tone');
  switch (path) {
    case 'appliesTo':
      return message.startsWith('the audience is empty');
    case 'toneIds':
      return message.startsWith('must name at least one');
    case 'schedule.weekdays':
      return message.startsWith('is empty');
    case 'schedule.end':
      return message.startsWith('must differ from start') || message.startsWith('end 00:00 without start');
    case 'schedule.dateTo':
      return message.startsWith('is before dateFrom');
    default:
      return false;
  }
}

function assertValidPolicy(input: PolicyInput, knownToneIds: ReadonlySet<string>): void {
  const issues = validateRingbackPolicy(input, knownToneIds);
  if (issues.length === 0) return;
  const structural = issues.filter((issue) => !isDomainIssue(issue));
  if (structural.length > 0) throw AppError.listing('validation_failed', 'invalid body', structural);
  const onlyUnknownTones = issues.every((issue) => issue.message.startsWith('unknown tone'));
  throw AppError.listing(
    onlyUnknownTones ? 'unknown_tone' : 'ringback_invalid',
    'the policy cannot be applied',
    issues,
  );
}

type RingbackStore = { repos: Pick<Repositories, 'ringback'>; transaction: AppStore['transaction'] };
type RingbackRepos = Pick<Repositories, 'ringback'>;

/** What a change of a group's ringback writes, and what its compiled form is built from. */
interface RingbackChange<T> {
  /** The group's policies after the change; absent: as stored. */
  policies?: RingbackPolicyRow[];
  /** The group's calendar after the change; absent: as stored. */
  calendar?: GroupCalendar;
  write: () => Promise<unknown>;
  result: T;
}

/**
 * Group ringback (集团彩铃): tones, policies and group calendars in the store, and each group's
 * compiled policies in memory. A change is compiled before it is written, so a policy the
 * engine would refuse never reaches the store, and the compiled form is swapped in only after
 * the write commits. `resolver` answers the routing hot path from memory alone.
 */
export async function createRingbackService(deps: {
  store: RingbackStore;
  groups: Pick<GroupService, 'require'>;
  /** Group time zones and members (callees) come from the directory. */
  directory: RoutingDirectory;
  /** Where the compiled policies go once written: the group's directory entry. */
  writer: Pick<DirectoryWriter, 'setGroupRingback'>;
  tariffs: Pick<TariffService, 'ratesAt'>;
  clock: Clock;
}) {
  const { directory, writer, clock } = deps;
  const repo = deps.store.repos.ringback;
  /** Compiled policies of every group that has at least one (the resolve endpoint explains them). */
  const compiled = new Map<string, CompiledGroupRingback>();
  /**
   * Changes on this node swap their compiled forms in one at a time, in the order they
   * committed: without it, of two changes of one group, the one committed first could be swapped
   * in last, and calls would hear a ringback the store no longer has.
   */
  const changes = createSerialLock();

  const timezoneOf = (groupId: string) => directory.groups.get(groupId)?.timezone ?? DEFAULT_TIMEZONE;
  const calendarOf = async (repos: RingbackRepos, groupId: string): Promise<GroupCalendar> => {
    const row = await repos.ringback.calendar(groupId);
    return row ? { holidays: row.holidays, workdays: row.workdays } : nationalCalendar();
  };

  const compile = (groupId: string, policies: RingbackPolicyRow[], calendar: GroupCalendar) => {
    try {
      return compileGroupRingback(policies.map(enginePolicy), calendar, timezoneOf(groupId));
    } catch (error) {
      // Validation runs first, so this is a stored value the engine cannot read.
      throw new AppError(
        'ringback_invalid',
        `the group's ringback cannot be compiled: ${(error as Error).message}`,
      );
    }
  };

  /**
   * Swaps a group's compiled policies in. The routing hot path reads them from the directory's
   * group entry (`GroupEntry.ringback`), and only while a policy is enabled: a group whose
   * policies are all disabled then costs a call what a group without any does, a null check,
   * instead of a walk through empty audience tables.
   */
  const install = (groupId: string, policies: RingbackPolicyRow[], next: CompiledGroupRingback) => {
    if (policies.length === 0) compiled.delete(groupId);
    else compiled.set(groupId, next);
    writer.setGroupRingback(groupId, policies.some((policy) => policy.enabled) ? next : null);
  };

  /**
   * Runs a change in one transaction: the group's policies read as stored (locked on
   * PostgreSQL), the change planned on them, compiled, written; then, committed, swapped in.
   */
  const commit = <T>(
    groupId: string,
    plan: (tx: RingbackRepos, stored: RingbackPolicyRow[]) => Promise<RingbackChange<T>>,
  ): Promise<T> =>
    changes.run(async () => {
      const done = await deps.store.transaction(async (tx) => {
        const stored = await tx.ringback.lockPoliciesOf(groupId);
        const change = await plan(tx, stored);
        const policies = change.policies ?? stored;
        const next = compile(groupId, policies, change.calendar ?? (await calendarOf(tx, groupId)));
        await change.write();
        return { policies, next, result: change.result };
      });
      install(groupId, done.policies, done.next);
      return done.result;
    });

  const policyIn = (stored: RingbackPolicyRow[], policyId: string): RingbackPolicyRow => {
    const row = stored.find((policy) => policy.id === policyId);
    if (!row) throw notFound('ringback policy');
    return row;
  };

  const toneIdsOf = async (repos: RingbackRepos, groupId: string) =>
    new Set((await repos.ringback.tonesOf(groupId)).map((tone) => tone.id));

  /** A policy input's stored fields, defaults applied (the inverse of `inputOf`). */
  const fieldsOf = (input: PolicyInput) => ({
    name: input.name,
    appliesTo: input.appliesTo,
    schedule: input.schedule ?? null,
    toneIds: input.toneIds,
    playback: input.playback,
    priority: input.priority ?? 0,
    enabled: input.enabled ?? true,
  });

  const inputOf = (row: RingbackPolicyRow): PolicyInput => ({
    name: row.name,
    appliesTo: row.appliesTo,
    schedule: row.schedule ?? null,
    toneIds: row.toneIds,
    playback: row.playback,
    priority: row.priority,
    enabled: row.enabled,
  });

  /** Rebuilds one group's compiled policies from the store (none when the group is gone). */
  const recompile = (groupId: string): Promise<void> =>
    changes.run(async () => {
      if (!directory.groups.has(groupId)) {
        compiled.delete(groupId);
        return;
      }
      const policies = await repo.policiesOf(groupId);
      install(groupId, policies, compile(groupId, policies, await calendarOf(deps.store.repos, groupId)));
    });

  // Start: every group with policies, from the store.
  {
    const byGroup = new Map<string, RingbackPolicyRow[]>();
    for (const row of await repo.allPolicies()) {
      const list = byGroup.get(row.groupId);
      if (list) list.push(row);
      else byGroup.set(row.groupId, [row]);
    }
    const calendars = new Map((await repo.allCalendars()).map((row) => [row.groupId, row]));
    for (const [groupId, policies] of byGroup) {
      const row = calendars.get(groupId);
      const calendar = row ? { holidays: row.holidays, workdays: row.workdays } : nationalCalendar();
      install(
        groupId,
        policies,
        compileGroupRingback(policies.map(enginePolicy), calendar, timezoneOf(groupId)),
      );
    }
  }

  return {
    recompile,

    /** For `createRoutingService`: the callee's group's compiled policies, no SQL, no lookup. */
    resolver: ((callee: MemberEntry, request: RouteRequest) => {
      const ringback = callee.group.ringback;
      return ringback === null ? null : resolveRingback(ringback, callee, request.atMs);
    }) satisfies RingbackResolver,

    async listTones(groupId: string) {
      await deps.groups.require(groupId);
      return (await repo.tonesOf(groupId)).map(toneView);
    },

    async createTone(groupId: string, input: ToneInput) {
      await deps.groups.require(groupId);
      const now = clock.now();
      const row: RingbackToneRow = {
        id: newId('tone'),
        groupId,
        title: input.title,
        durationSeconds: input.durationSeconds,
        productionFeeFen: deps.tariffs.ratesAt(now).ringback.productionFeeFenPerTone,
        createdAt: now,
      };
      // A new tone changes no policy: nothing to recompile.
      await repo.insertTone(row);
      return toneView(row);
    },

    async listPolicies(groupId: string) {
      await deps.groups.require(groupId);
      return (await repo.policiesOf(groupId)).map(policyView);
    },

    async getPolicy(groupId: string, policyId: string) {
      const row = await repo.policy(policyId);
      if (!row || row.groupId !== groupId) throw notFound('ringback policy');
      return policyView(row);
    },

    async createPolicy(groupId: string, input: PolicyInput) {
      await deps.groups.require(groupId);
      const now = clock.now();
      const row = await commit(groupId, async (tx, stored) => {
        assertValidPolicy(input, await toneIdsOf(tx, groupId));
        const created: RingbackPolicyRow = {
          id: newId('rbp'),
          groupId,
          seq: await tx.ringback.nextSeq(groupId),
          ...fieldsOf(input),
          createdAt: now,
          updatedAt: now,
        };
        return {
          policies: [...stored, created],
          write: () => tx.ringback.insertPolicy(created),
          result: created,
        };
      });
      return policyView(row);
    },

    /**
     * Merges the given fields onto the stored policy, then validates the whole. `appliesTo` and
     * `schedule` are replaced whole (not merged field by field); `schedule: null` removes it.
     */
    async updatePolicy(groupId: string, policyId: string, patch: Partial<PolicyInput>) {
      const updatedAt = clock.now();
      const row = await commit(groupId, async (tx, stored) => {
        const current = policyIn(stored, policyId);
        const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
        const merged: PolicyInput = { ...inputOf(current), ...defined };
        assertValidPolicy(merged, await toneIdsOf(tx, groupId));
        const updated: RingbackPolicyRow = {
          ...current,
          ...fieldsOf(merged),
          updatedAt,
        };
        return {
          policies: stored.map((p) => (p.id === policyId ? updated : p)),
          write: () => tx.ringback.updatePolicy(updated),
          result: updated,
        };
      });
      return policyView(row);
    },

    async deletePolicy(groupId: string, policyId: string): Promise<void> {
      await commit(groupId, async (tx, stored) => {
        policyIn(stored, policyId);
        return {
          policies: stored.filter((p) => p.id !== policyId),
          write: () => tx.ringback.deletePolicy(policyId),
          result: undefined,
        };
      });
    },

    async getCalendar(groupId: string) {
      await deps.groups.require(groupId);
      const { holidays, workdays } = await calendarOf(deps.store.repos, groupId);
      return { groupId, holidays: [...holidays], workdays: [...workdays] };
    },

    /** Replaces the group's calendar; dates are kept sorted and unique. */
    async putCalendar(groupId: string, input: CalendarInput) {
      await deps.groups.require(groupId);
      const calendar = {
        holidays: [...new Set(input.holidays)].sort(),
        workdays: [...new Set(input.workdays)].sort(),
      };
      await commit(groupId, async (tx) => ({
        calendar,
        write: () => tx.ringback.upsertCalendar({ groupId, ...calendar }),
        result: undefined,
      }));
      return { groupId, ...calendar };
    },

    /**
     * What a caller of `calleeMsisdn` (E.164) hears at `atMs`, with the reasons. The callee must
     * be a member of the group (else 404); the decision is the routing path's own.
     */
    async resolve(groupId: string, calleeMsisdn: string, atMs: number) {
      await deps.groups.require(groupId);
      const callee = directory.membersByMsisdn.get(calleeMsisdn);
      if (!callee || callee.groupId !== groupId) throw notFound('member with this MSISDN in the group');
      const group =
        compiled.get(groupId) ?? compile(groupId, [], await calendarOf(deps.store.repos, groupId));
      const decision = resolveRingback(group, callee, atMs);
      const { explanation } = explainRingback(group, callee, atMs);
      return {
        policyId: decision?.policyId ?? null,
        toneIds: decision ? [...decision.toneIds] : [],
        playback: decision?.playback ?? null,
        explanation,
      };
    },
  };
}

export type RingbackService = Awaited<ReturnType<typeof createRingbackService>>;
