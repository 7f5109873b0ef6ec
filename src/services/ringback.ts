import { nationalCalendar } from '../domain/calendar/national-calendar.js';
import { DEFAULT_TIMEZONE } from '../domain/group-rules.js';
import { newId } from '../domain/ids.js';
import type { Directory, MemberEntry } from '../engines/directory.js';
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
import { AppError, type FieldIssue, notFound } from '../http/error-catalogue.js';
import type { Clock } from '../sim/clock.js';
import type { RingbackPolicyRow, RingbackRepo, RingbackToneRow } from '../store/ringback-repo.js';
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
 * A body with any 400 issue is a 400 listing just those; paths get the `body.` prefix.
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
  const asField = (issue: RingbackIssue): FieldIssue => ({
    path: issue.path === '' ? 'body' : `body.${issue.path}`,
    message: issue.message,
  });
  const structural = issues.filter((issue) => !isDomainIssue(issue)).map(asField);
  const describe = (errors: FieldIssue[]) => errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  if (structural.length > 0) {
    throw new AppError('validation_failed', `invalid body: ${describe(structural)}`, structural);
  }
  const domain = issues.map(asField);
  const onlyUnknownTones = issues.every((issue) => issue.message.startsWith('unknown tone'));
  throw new AppError(
    onlyUnknownTones ? 'unknown_tone' : 'ringback_invalid',
    `the policy cannot be applied: ${describe(domain)}`,
    domain,
  );
}

/**
 * Group ringback (集团彩铃): tones, policies and group calendars in SQLite, and each group's
 * compiled policies in memory. A change is compiled before it is written, so a policy the
 * engine would refuse never reaches the store, and the compiled form is swapped in only after
 * the write commits. `resolver` answers the routing hot path from memory alone.
 */
export function createRingbackService(deps: {
  repo: RingbackRepo;
  groups: Pick<GroupService, 'require'>;
  /** Group time zones and members (callees) come from the directory. */
  directory: Directory;
  tariffs: Pick<TariffService, 'ratesAt'>;
  clock: Clock;
}) {
  const { repo, directory, clock } = deps;
  /** Compiled policies of every group that has at least one (the resolve endpoint explains them). */
  const compiled = new Map<string, CompiledGroupRingback>();

  const timezoneOf = (groupId: string) => directory.groups.get(groupId)?.timezone ?? DEFAULT_TIMEZONE;
  const calendarOf = (groupId: string): GroupCalendar => {
    const row = repo.calendar(groupId);
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
    const entry = directory.groups.get(groupId);
    if (entry) entry.ringback = policies.some((policy) => policy.enabled) ? next : null;
  };

  /** Compiles the change, runs the write, then swaps the compiled form in. */
  const commit = (
    groupId: string,
    change: { policies?: RingbackPolicyRow[]; calendar?: GroupCalendar },
    write: () => void,
  ) => {
    const policies = change.policies ?? repo.policiesOf(groupId);
    const next = compile(groupId, policies, change.calendar ?? calendarOf(groupId));
    write();
    install(groupId, policies, next);
  };

  const requirePolicy = (groupId: string, policyId: string): RingbackPolicyRow => {
    const row = repo.policy(policyId);
    if (!row || row.groupId !== groupId) throw notFound('ringback policy');
    return row;
  };

  const toneIdsOf = (groupId: string) => new Set(repo.tonesOf(groupId).map((tone) => tone.id));

  const inputOf = (row: RingbackPolicyRow): PolicyInput => ({
    name: row.name,
    appliesTo: row.appliesTo,
    schedule: row.schedule ?? null,
    toneIds: row.toneIds,
    playback: row.playback,
    priority: row.priority,
    enabled: row.enabled,
  });

  /** Rebuilds one group's compiled policies from SQLite (none when the group is gone). */
  const recompile = (groupId: string): void => {
    if (!directory.groups.has(groupId)) {
      compiled.delete(groupId);
      return;
    }
    const policies = repo.policiesOf(groupId);
    install(groupId, policies, compile(groupId, policies, calendarOf(groupId)));
  };

  // Start: every group with policies, from SQLite.
  {
    const byGroup = new Map<string, RingbackPolicyRow[]>();
    for (const row of repo.allPolicies()) {
      const list = byGroup.get(row.groupId);
      if (list) list.push(row);
      else byGroup.set(row.groupId, [row]);
    }
    const calendars = new Map(repo.allCalendars().map((row) => [row.groupId, row]));
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
      return repo.tonesOf(groupId).map(toneView);
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
      repo.insertTone(row);
      return toneView(row);
    },

    async listPolicies(groupId: string) {
      await deps.groups.require(groupId);
      return repo.policiesOf(groupId).map(policyView);
    },

    getPolicy: (groupId: string, policyId: string) => policyView(requirePolicy(groupId, policyId)),

    async createPolicy(groupId: string, input: PolicyInput) {
      await deps.groups.require(groupId);
      assertValidPolicy(input, toneIdsOf(groupId));
      const now = clock.now();
      const row: RingbackPolicyRow = {
        id: newId('rbp'),
        groupId,
        seq: repo.nextSeq(groupId),
        name: input.name,
        appliesTo: input.appliesTo,
        schedule: input.schedule ?? null,
        toneIds: input.toneIds,
        playback: input.playback,
        priority: input.priority ?? 0,
        enabled: input.enabled ?? true,
        createdAt: now,
        updatedAt: now,
      };
      commit(groupId, { policies: [...repo.policiesOf(groupId), row] }, () => repo.insertPolicy(row));
      return policyView(row);
    },

    /**
     * Merges the given fields onto the stored policy, then validates the whole. `appliesTo` and
     * `schedule` are replaced whole (not merged field by field); `schedule: null` removes it.
     */
    updatePolicy(groupId: string, policyId: string, patch: Partial<PolicyInput>) {
      const current = requirePolicy(groupId, policyId);
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const merged: PolicyInput = { ...inputOf(current), ...defined };
      assertValidPolicy(merged, toneIdsOf(groupId));
      const row: RingbackPolicyRow = {
        ...current,
        name: merged.name,
        appliesTo: merged.appliesTo,
        schedule: merged.schedule ?? null,
        toneIds: merged.toneIds,
        playback: merged.playback,
        priority: merged.priority ?? 0,
        enabled: merged.enabled ?? true,
        updatedAt: clock.now(),
      };
      const policies = repo.policiesOf(groupId).map((p) => (p.id === policyId ? row : p));
      commit(groupId, { policies }, () => repo.updatePolicy(row));
      return policyView(row);
    },

    deletePolicy(groupId: string, policyId: string) {
      requirePolicy(groupId, policyId);
      const policies = repo.policiesOf(groupId).filter((p) => p.id !== policyId);
      commit(groupId, { policies }, () => repo.deletePolicy(policyId));
    },

    async getCalendar(groupId: string) {
      await deps.groups.require(groupId);
      const { holidays, workdays } = calendarOf(groupId);
      return { groupId, holidays: [...holidays], workdays: [...workdays] };
    },

    /** Replaces the group's calendar; dates are kept sorted and unique. */
    async putCalendar(groupId: string, input: CalendarInput) {
      await deps.groups.require(groupId);
      const calendar = {
        holidays: [...new Set(input.holidays)].sort(),
        workdays: [...new Set(input.workdays)].sort(),
      };
      commit(groupId, { calendar }, () => repo.upsertCalendar({ groupId, ...calendar }));
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
      const group = compiled.get(groupId) ?? compile(groupId, [], calendarOf(groupId));
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

export type RingbackService = ReturnType<typeof createRingbackService>;
