import type { Clock } from '../domain/clock.js';
import { AppError, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { nameKeys } from '../domain/name-keys.js';
import { toE164 } from '../domain/phone.js';
import {
  buildPhonebookIndex,
  type PhonebookEntry,
  type PhonebookIndex,
  searchPhonebook,
} from '../engines/switchboard/phonebook-search.js';
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
import { isUniqueViolation } from '../store/constraint-errors.js';
import { createOrderedWrites } from '../store/ordered-writes.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import type { AppStore, Repositories } from '../store/repositories.js';
import type {
  DirectoryWriter,
  RoutingDirectory,
  SwitchboardEntry,
} from '../store/routing-directory/index.js';
import type { SwitchboardRow } from '../store/switchboard-repo.js';
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
 * (人工话务台) in the store, each change written through to the in-memory directory that routing
 * and calls read once the store has committed it. Also the operator's phonebook search (通讯录), from an index kept per switchboard
 * and rebuilt only when the group's members or the switchboard's extensions have changed.
 */
export function createSwitchboardService(deps: {
  store: { repos: Pick<Repositories, 'switchboards'>; transaction: AppStore['transaction'] };
  groups: Pick<GroupService, 'require'>;
  directory: RoutingDirectory;
  /**
   * Told each committed change, after its write; also what it keeps for the phonebook: the
   * group's members and the revisions that say when a phonebook index is stale.
   */
  writer: Pick<
    DirectoryWriter,
    | 'putSwitchboard'
    | 'removeSwitchboard'
    | 'putExtension'
    | 'removeExtension'
    | 'putOperator'
    | 'removeOperator'
    | 'membersOf'
    | 'groupRevision'
    | 'switchboardRevision'
  >;
  clock: Clock;
  /** Whether calls are in progress at the switchboard (a DELETE is then a 409); default none. */
  hasActiveCalls?: (switchboardId: string) => boolean;
}) {
  const { clock } = deps;
  const repo = deps.store.repos.switchboards;
  const { writer } = deps;
  const dir = deps.directory;
  const hasActiveCalls = deps.hasActiveCalls ?? (() => false);

  const entryOf = (id: string): SwitchboardEntry => {
    const entry = dir.switchboardsById.get(id);
    if (entry === undefined) throw notFound('switchboard');
    return entry;
  };

  const requireRow = async (id: string): Promise<SwitchboardRow> => {
    const row = await repo.byId(id);
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
      { path: 'pilotNumber', message: `already ${what}` },
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
    const code = issues.every((issue: SwitchboardIssue) => issue.code === 'member_outside_group')
      ? 'member_outside_group'
      : 'switchboard_invalid';
    throw AppError.listing(code, 'the switchboard cannot be configured so', issues);
  };

  /**
   * The directory's check comes first and gives the precise answer, but another request can pass
   * it while this one awaits its write: the store's unique pilot index then refuses the second,
   * and that is the same 409. The directory follows only what was committed.
   */
  const write = async (claimedPilot: string | undefined, change: () => Promise<SwitchboardRow>) => {
    let row: SwitchboardRow;
    try {
      row = await change();
    } catch (error) {
      if (claimedPilot !== undefined && isUniqueViolation(error)) {
        throw pilotTaken(claimedPilot, 'the pilot number of a switchboard');
      }
      throw error;
    }
    writer.putSwitchboard(row);
    return row;
  };

  /**
   * A switchboard's writes, one at a time, each applied to the directory before the next starts:
   * the directory then follows the order they committed in. Without it, two requests' commits
   * could reach memory in the other order (their answers resolve as the database's replies
   * arrive), leaving there a holder the store no longer has.
   */
  const ordered = createOrderedWrites();
  const inOrder = <T>(id: string, work: () => Promise<T>): Promise<T> => ordered.run([id], work);

  const requireGroupMember = (entry: SwitchboardEntry, memberId: string, path: string) => {
    if (!isMemberOf(entry.groupId)(memberId)) {
      throw new AppError(
        'member_outside_group',
        `${memberId} is not a member of group ${entry.groupId}, which the switchboard serves`,
        [{ path, message: "not a member of the switchboard's group" }],
      );
    }
  };

  // The phonebook index per switchboard, with the revisions it was built at.
  const indexes = new Map<string, { members: number; extensions: number; index: PhonebookIndex }>();

  const indexOf = (entry: SwitchboardEntry): PhonebookIndex => {
    const members = writer.groupRevision(entry.groupId);
    const extensions = writer.switchboardRevision(entry.id);
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
    const entries: PhonebookEntry[] = [];
    for (const member of writer.membersOf(entry.groupId)) {
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
    const index = buildPhonebookIndex(entries);
    indexes.set(entry.id, { members, extensions, index });
    return index;
  };

  return {
    /** The group that owns the switchboard (for the partner scope check); undefined when none. */
    groupOf: (id: string): string | undefined => dir.switchboardsById.get(id)?.groupId,

    get: async (id: string) => view(await requireRow(id)),

    async list(groupId: string, page: PageRequest): Promise<Page<ReturnType<typeof view>>> {
      await deps.groups.require(groupId);
      return toPage(await repo.list(groupId, page), page.limit, view);
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
      await write(row.pilotNumber, async () => {
        await repo.insert(row);
        return row;
      });
      return view(row);
    },

    async update(id: string, patch: SwitchboardPatch) {
      // The stored row is the base of the new one: read and written in one transaction, so a
      // concurrent change is not lost (the row is locked on PostgreSQL).
      const row = await inOrder(id, () =>
        write(patch.pilotNumber, () =>
          deps.store.transaction(async (tx) => {
            const current = await tx.switchboards.lock(id);
            if (current === undefined) throw notFound('switchboard');
            const next: SwitchboardRow = { ...current, updatedAt: clock.now() };
            const rules: SwitchboardRules = {};
            if (patch.pilotNumber !== undefined) next.pilotNumber = patch.pilotNumber;
            if (patch.greeting !== undefined) next.greeting = patch.greeting;
            if (patch.afterHoursGreeting !== undefined) next.afterHoursGreeting = patch.afterHoursGreeting;
            if (patch.businessHours !== undefined) {
              next.businessHours = hoursOf(patch.businessHours);
              rules.businessHours = next.businessHours;
            }
            if (patch.menu !== undefined) {
              next.menu = patch.menu;
              rules.menu = patch.menu;
            }
            if (patch.outboundPrefix !== undefined) next.outboundPrefix = patch.outboundPrefix;
            if (patch.fallback !== undefined) next.fallback = patch.fallback;
            // Only what the patch changes is judged: the rest was valid when it was written.
            assertValid(next.groupId, rules);
            if (next.pilotNumber !== current.pilotNumber) assertPilotFree(next.pilotNumber, id);
            await tx.switchboards.update(next);
            return next;
          }),
        ),
      );
      return view(row);
    },

    async remove(id: string): Promise<void> {
      await requireRow(id);
      if (hasActiveCalls(id)) {
        throw new AppError('switchboard_in_use', `switchboard ${id} has calls in progress: end them first`);
      }
      // Two deletes at once: the one that found no row is the 404 a later one would get.
      await inOrder(id, async () => {
        if (!(await repo.delete(id))) throw notFound('switchboard');
        writer.removeSwitchboard(id);
        indexes.delete(id);
      });
    },

    /**
     * Gives the extension to the member (replacing its holder); `created` when it was free, as
     * the store's write found it (of two requests at once, one is told it created it).
     */
    async putExtension(id: string, extension: string, memberId: string) {
      const entry = entryOf(id);
      requireGroupMember(entry, memberId, 'memberId');
      const created = await inOrder(id, async () => {
        const stored = await repo.putExtension({ switchboardId: id, extension, memberId });
        writer.putExtension(id, extension, memberId);
        return stored;
      });
      return { created, extension: { switchboardId: id, extension, memberId } };
    },

    async removeExtension(id: string, extension: string): Promise<void> {
      const entry = entryOf(id);
      if (!entry.extensions.has(extension)) throw notFound(`extension ${extension}`);
      await inOrder(id, async () => {
        if (!(await repo.deleteExtension(id, extension))) throw notFound(`extension ${extension}`);
        writer.removeExtension(id, extension);
      });
    },

    /** Seats the member at the operator desk or changes their status; `created` when new (as for extensions). */
    async putOperator(id: string, memberId: string, status: OperatorStatus) {
      const entry = entryOf(id);
      requireGroupMember(entry, memberId, 'memberId');
      const now = clock.now();
      const created = await inOrder(id, async () => {
        const stored = await repo.putOperator({ switchboardId: id, memberId, status, updatedAt: now });
        writer.putOperator(id, memberId, status);
        return stored;
      });
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

    async removeOperator(id: string, memberId: string): Promise<void> {
      const entry = entryOf(id);
      if (!entry.operators.has(memberId)) throw notFound('operator');
      await inOrder(id, async () => {
        if (!(await repo.deleteOperator(id, memberId))) throw notFound('operator');
        writer.removeOperator(id, memberId);
      });
    },

    /** The switchboard group's members ranked for `query` (see `searchPhonebook`). */
    searchPhonebook(id: string, query: string, limit: number) {
      const entry = entryOf(id);
      const hits = searchPhonebook(indexOf(entry), query, limit);
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
export type SwitchboardView = Awaited<ReturnType<SwitchboardService['get']>>;
