import { newId } from '../domain/ids.js';
import { nameKeys } from '../domain/name-keys.js';
import { toE164 } from '../domain/phone.js';
import type { Directory, SwitchboardEntry } from '../engines/directory.js';
import {
  buildDirectoryIndex,
  type DirectoryEntry,
  type DirectoryIndex,
  searchDirectory,
} from '../engines/switchboard/directory-search.js';
import type {
  BusinessHours,
  IsoWeekday,
  Menu,
  OperatorStatus,
  SwitchboardFallback,
} from '../engines/switchboard/types.js';
import {
  type SwitchboardIssue,
  type SwitchboardRules,
  validateSwitchboard,
} from '../engines/switchboard/validate.js';
import { AppError, type FieldIssue, notFound } from '../http/error-catalogue.js';
import type { Clock } from '../sim/clock.js';
import type { DirectoryStore } from '../store/directory-store.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import { isUniqueViolation, type SwitchboardRepo, type SwitchboardRow } from '../store/switchboard-repo.js';
import type { GroupService } from './groups.js';
import { iso } from './views.js';

export interface BusinessHoursInput {
  weekdays: number[];
  start: string;
  end: string;
}

/** A switchboard's configuration as the API takes it (the pilot already in E.164). */
export interface SwitchboardInput {
  pilotNumber: string;
  greeting: string;
  afterHoursGreeting?: string | null | undefined;
  businessHours?: BusinessHoursInput | null | undefined;
  menu: Menu;
  outboundPrefix?: string | null | undefined;
  fallback?: SwitchboardFallback | undefined;
}

/** Absent: unchanged; null (where allowed): cleared. */
export type SwitchboardPatch = Partial<SwitchboardInput>;

const hoursOf = (input: BusinessHoursInput | null | undefined): BusinessHours | null =>
  input == null
    ? null
    : {
        weekdays: [...new Set(input.weekdays)].sort((a, b) => a - b) as IsoWeekday[],
        start: input.start,
        end: input.end,
      };

const byExtension = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The hosted switchboard (移动总机): configuration, extensions (分机) and the operator desk
 * (人工话务台) in SQLite, each change written through to the in-memory directory that routing and
 * calls read. Also the operator's directory search, from an index kept per switchboard and
 * rebuilt only when the group's members or the switchboard's extensions have changed.
 */
export function createSwitchboardService(deps: {
  repo: SwitchboardRepo;
  groups: Pick<GroupService, 'require'>;
  directory: Pick<
    DirectoryStore,
    | 'putSwitchboard'
    | 'removeSwitchboard'
    | 'putExtension'
    | 'removeExtension'
    | 'putOperator'
    | 'removeOperator'
    | 'membersOf'
    | 'groupRevision'
    | 'switchboardRevision'
  > & { directory: Directory };
  clock: Clock;
  /** Whether calls are in progress at the switchboard (a DELETE is then a 409); default none. */
  hasActiveCalls?: (switchboardId: string) => boolean;
}) {
  const { repo, clock } = deps;
  const store = deps.directory;
  const dir = store.directory;
  const hasActiveCalls = deps.hasActiveCalls ?? (() => false);

  const entryOf = (id: string): SwitchboardEntry => {
    const entry = dir.switchboardsById.get(id);
    if (entry === undefined) throw notFound('switchboard');
    return entry;
  };

  const requireRow = (id: string): SwitchboardRow => {
    const row = repo.byId(id);
    if (row === undefined) throw notFound('switchboard');
    return row;
  };

  const isMemberOf = (groupId: string) => (memberId: string) =>
    dir.membersById.get(memberId)?.groupId === groupId;

  const view = (row: SwitchboardRow) => {
    const entry = dir.switchboardsById.get(row.id);
    const extensions = [...(entry?.extensions ?? [])]
      .sort(([a], [b]) => byExtension(a, b))
      .map(([extension, memberId]) => ({ extension, memberId }));
    const operators = [...(entry?.operators ?? [])]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([memberId, status]) => ({ memberId, name: dir.membersById.get(memberId)?.name ?? '', status }));
    return {
      id: row.id,
      groupId: row.groupId,
      pilotNumber: row.pilotNumber,
      greeting: row.greeting,
      afterHoursGreeting: row.afterHoursGreeting,
      businessHours: row.businessHours ?? null,
      menu: row.menu,
      outboundPrefix: row.outboundPrefix,
      fallback: row.fallback,
      extensions,
      operators,
      createdAt: iso(row.createdAt),
      updatedAt: iso(row.updatedAt),
    };
  };

  const pilotTaken = (pilot: string, what: string) =>
    new AppError('pilot_number_taken', `${pilot} is already ${what}`, [
      { path: 'body.pilotNumber', message: `already ${what}` },
    ]);

  /**
   * A pilot must reach the switchboard: no other pilot, member or the conference bridge has it.
   * The conflict says what holds the number, never whose: it may be another tenant's.
   */
  const assertPilotFree = (pilot: string, switchboardId?: string) => {
    const holder = dir.switchboardsByPilot.get(pilot);
    if (holder !== undefined && holder.id !== switchboardId) {
      throw pilotTaken(pilot, 'the pilot number of a switchboard');
    }
    if (dir.membersByMsisdn.has(pilot)) throw pilotTaken(pilot, "a member's MSISDN");
    const access = dir.conferenceAccessNumber;
    if (access !== null && (pilot === access || pilot === toE164(access))) {
      throw pilotTaken(pilot, 'the conference access number');
    }
  };

  /** Domain issues → 422: `member_outside_group` when those are all there is, else `switchboard_invalid`. */
  const assertValid = (groupId: string, rules: SwitchboardRules) => {
    const issues = validateSwitchboard(rules, { isGroupMember: isMemberOf(groupId) });
    if (issues.length === 0) return;
    const errors: FieldIssue[] = issues.map((issue) => ({
      path: `body.${issue.path}`,
      message: issue.message,
    }));
    const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    const code = issues.every((issue: SwitchboardIssue) => issue.code === 'member_outside_group')
      ? 'member_outside_group'
      : 'switchboard_invalid';
    throw new AppError(code, `the switchboard cannot be configured so: ${detail}`, errors);
  };

  /** Writes through SQLite's unique pilot index too: a race the directory missed is still a 409. */
  const write = (row: SwitchboardRow, change: () => void) => {
    try {
      change();
    } catch (error) {
      if (isUniqueViolation(error)) throw pilotTaken(row.pilotNumber, 'the pilot number of a switchboard');
      throw error;
    }
    store.putSwitchboard(row);
  };

  const requireGroupMember = (entry: SwitchboardEntry, memberId: string, path: string) => {
    if (!isMemberOf(entry.groupId)(memberId)) {
      throw new AppError(
        'member_outside_group',
        `${memberId} is not a member of group ${entry.groupId}, which the switchboard serves`,
        [{ path, message: "not a member of the switchboard's group" }],
      );
    }
  };

  // The directory search index per switchboard, with the revisions it was built at.
  const indexes = new Map<string, { members: number; extensions: number; index: DirectoryIndex }>();

  const indexOf = (entry: SwitchboardEntry): DirectoryIndex => {
    const members = store.groupRevision(entry.groupId);
    const extensions = store.switchboardRevision(entry.id);
    const cached = indexes.get(entry.id);
    if (cached !== undefined && cached.members === members && cached.extensions === extensions) {
      return cached.index;
    }
    const held = new Map<string, string[]>();
    for (const [extension, memberId] of entry.extensions) {
      const list = held.get(memberId);
      if (list === undefined) held.set(memberId, [extension]);
      else list.push(extension);
    }
    const entries: DirectoryEntry[] = [];
    for (const member of store.membersOf(entry.groupId)) {
      // Members carry their stored search keys; computing them is the slow path (~15 µs each).
      const keys =
        member.pinyin !== undefined && member.initials !== undefined
          ? { pinyin: member.pinyin, initials: member.initials }
          : nameKeys(member.name);
      entries.push({
        memberId: member.id,
        name: member.name,
        department: member.department,
        msisdn: member.msisdn,
        shortCode: member.shortCode,
        status: member.status,
        pinyin: keys.pinyin,
        initials: keys.initials,
        extensions: held.get(member.id)?.sort(byExtension) ?? [],
      });
    }
    const index = buildDirectoryIndex(entries);
    indexes.set(entry.id, { members, extensions, index });
    return index;
  };

  return {
    /** The group that owns the switchboard (for the partner scope check); undefined when none. */
    groupOf: (id: string): string | undefined => dir.switchboardsById.get(id)?.groupId,

    get: (id: string) => view(requireRow(id)),

    async list(groupId: string, page: PageRequest): Promise<Page<ReturnType<typeof view>>> {
      await deps.groups.require(groupId);
      return toPage(repo.list(groupId, page), page.limit, view);
    },

    async create(groupId: string, input: SwitchboardInput) {
      await deps.groups.require(groupId);
      const businessHours = hoursOf(input.businessHours);
      assertValid(groupId, { businessHours, menu: input.menu });
      assertPilotFree(input.pilotNumber);
      const now = clock.now();
      const row: SwitchboardRow = {
        id: newId('swb'),
        groupId,
        pilotNumber: input.pilotNumber,
        greeting: input.greeting,
        afterHoursGreeting: input.afterHoursGreeting ?? null,
        businessHours,
        menu: input.menu,
        outboundPrefix: input.outboundPrefix ?? null,
        fallback: input.fallback ?? 'operator',
        createdAt: now,
        updatedAt: now,
      };
      write(row, () => repo.insert(row));
      return view(row);
    },

    update(id: string, patch: SwitchboardPatch) {
      const current = requireRow(id);
      const row: SwitchboardRow = { ...current, updatedAt: clock.now() };
      const rules: SwitchboardRules = {};
      if (patch.pilotNumber !== undefined) row.pilotNumber = patch.pilotNumber;
      if (patch.greeting !== undefined) row.greeting = patch.greeting;
      if (patch.afterHoursGreeting !== undefined) row.afterHoursGreeting = patch.afterHoursGreeting;
      if (patch.businessHours !== undefined) {
        row.businessHours = hoursOf(patch.businessHours);
        rules.businessHours = row.businessHours;
      }
      if (patch.menu !== undefined) {
        row.menu = patch.menu;
        rules.menu = patch.menu;
      }
      if (patch.outboundPrefix !== undefined) row.outboundPrefix = patch.outboundPrefix;
      if (patch.fallback !== undefined) row.fallback = patch.fallback;
      // Only what the patch changes is judged: the rest was valid when it was written.
      assertValid(row.groupId, rules);
      if (row.pilotNumber !== current.pilotNumber) assertPilotFree(row.pilotNumber, id);
      write(row, () => repo.update(row));
      return view(row);
    },

    remove(id: string): void {
      requireRow(id);
      if (hasActiveCalls(id)) {
        throw new AppError('switchboard_in_use', `switchboard ${id} has calls in progress: end them first`);
      }
      repo.delete(id);
      store.removeSwitchboard(id);
      indexes.delete(id);
    },

    /** Gives the extension to the member (replacing its holder); `created` when it was free. */
    putExtension(id: string, extension: string, memberId: string) {
      const entry = entryOf(id);
      requireGroupMember(entry, memberId, 'body.memberId');
      const created = !entry.extensions.has(extension);
      repo.putExtension({ switchboardId: id, extension, memberId });
      store.putExtension(id, extension, memberId);
      return { created, extension: { switchboardId: id, extension, memberId } };
    },

    removeExtension(id: string, extension: string): void {
      const entry = entryOf(id);
      if (!entry.extensions.has(extension)) throw notFound(`extension ${extension}`);
      repo.deleteExtension(id, extension);
      store.removeExtension(id, extension);
    },

    /** Seats the member at the operator desk or changes their status; `created` when new. */
    putOperator(id: string, memberId: string, status: OperatorStatus) {
      const entry = entryOf(id);
      requireGroupMember(entry, memberId, 'params.memberId');
      const created = !entry.operators.has(memberId);
      const now = clock.now();
      repo.putOperator({ switchboardId: id, memberId, status, updatedAt: now });
      store.putOperator(id, memberId, status);
      return {
        created,
        operator: {
          switchboardId: id,
          memberId,
          name: dir.membersById.get(memberId)?.name ?? '',
          status,
          updatedAt: iso(now),
        },
      };
    },

    removeOperator(id: string, memberId: string): void {
      const entry = entryOf(id);
      if (!entry.operators.has(memberId)) throw notFound('operator');
      repo.deleteOperator(id, memberId);
      store.removeOperator(id, memberId);
    },

    /** The switchboard group's members ranked for `query` (see `searchDirectory`). */
    searchDirectory(id: string, query: string, limit: number) {
      const entry = entryOf(id);
      const hits = searchDirectory(indexOf(entry), query, limit);
      return hits.map(({ entry: found, matchedBy, rank }) => ({
        memberId: found.memberId,
        name: found.name,
        department: found.department,
        msisdn: found.msisdn,
        shortCode: found.shortCode,
        extensions: [...found.extensions],
        status: found.status,
        operatorStatus: entry.operators.get(found.memberId) ?? null,
        matchedBy,
        rank,
      }));
    },
  };
}

export type SwitchboardService = ReturnType<typeof createSwitchboardService>;
export type SwitchboardView = ReturnType<SwitchboardService['get']>;
