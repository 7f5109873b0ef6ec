import type { Clock } from '../domain/clock.js';
import { AppError, notFound } from '../domain/errors.js';
import type { Province } from '../domain/group-rules.js';
import { newId } from '../domain/ids.js';
import { nameKeys } from '../domain/name-keys.js';
import { menuKeysOfMember } from '../engines/switchboard/menu.js';
import { isForeignKeyViolation, isUniqueViolation } from '../store/constraint-errors.js';
import type { MemberFilter, MemberRow } from '../store/member-repo.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import type { AppStore, Repositories } from '../store/repositories.js';
import type { DirectoryWriter, RoutingDirectory } from '../store/routing-directory/index.js';
import type { GroupService } from './groups.js';
import {
  assertProvinceAllowsShortCode,
  assertShortCodeAllowed,
  assertShortCodeFreeInStore,
} from './short-codes.js';
import { type MemberView, memberView } from './views.js';

export interface MemberInput {
  msisdn: string;
  name: string;
  department?: string | null | undefined;
  title?: string | null | undefined;
  homeProvince?: Province | undefined;
  status?: 'active' | 'suspended' | undefined;
}

export interface MemberPatch extends Partial<MemberInput> {
  /** A new short code, or null to free it. */
  shortCode?: string | null | undefined;
}

type MemberRepos = Pick<Repositories, 'groups' | 'members' | 'vpn'>;

export function createMemberService(deps: {
  store: { repos: MemberRepos; transaction: AppStore['transaction'] };
  groups: Pick<GroupService, 'require'>;
  directory: RoutingDirectory;
  /** Told each committed change, after its write. */
  writer: Pick<DirectoryWriter, 'putMember' | 'removeMember'>;
  clock: Clock;
}) {
  const { store, clock } = deps;
  const repo = store.repos.members;
  const dir = deps.directory;

  const view = (row: MemberRow) => memberView(row, [...(dir.membersById.get(row.id)?.subgroupIds ?? [])]);

  /**
   * A menu key that sends callers to a member would, once the member is gone, play "not in
   * service" and queue every such call: the menu is changed first (as a group with members is
   * not deleted). Extensions and operator seats go with the member; they name no one else.
   */
  const assertNoMenuSendsTo = (groupId: string, memberId: string): void => {
    for (const switchboard of dir.switchboardsById.values()) {
      if (switchboard.groupId !== groupId) continue;
      const keys = menuKeysOfMember(switchboard.menu, memberId);
      if (keys.length === 0) continue;
      const named = keys.map((path) => path.join(' → ')).join(', ');
      throw new AppError(
        'member_in_menu',
        `member ${memberId} is where key ${named} of switchboard ${switchboard.id}'s menu sends callers; change the menu first`,
      );
    }
  };

  const requireIn = async (repos: MemberRepos, groupId: string, memberId: string): Promise<MemberRow> => {
    const row = await repos.members.byId(memberId);
    if (!row || row.groupId !== groupId) throw notFound('member');
    return row;
  };
  const require = (groupId: string, memberId: string) => requireIn(store.repos, groupId, memberId);

  const assertMsisdnFree = async (repos: MemberRepos, msisdn: string, memberId?: string) => {
    const holder = dir.membersByMsisdn.get(msisdn) ?? (await repos.members.byMsisdn(msisdn));
    if (holder && holder.id !== memberId) {
      throw new AppError('msisdn_taken', `${msisdn} already belongs to a member of a group`, [
        { path: 'msisdn', message: 'already a member' },
      ]);
    }
    // A pilot number answers with its switchboard: a member holding it would never be reached.
    // A conflict says what holds the number, never whose (it may be another tenant's).
    if (dir.switchboardsByPilot.has(msisdn)) {
      throw new AppError('msisdn_taken', `${msisdn} is the pilot number of a switchboard`, [
        { path: 'msisdn', message: 'a switchboard pilot number' },
      ]);
    }
  };

  /**
   * The database refused a number or short code a concurrent writer took after our checks
   * passed: the checks again, now that it has committed, give the precise 409.
   */
  const explainUniqueViolation = async (error: unknown, groupId: string, row: MemberRow): Promise<never> => {
    if (isUniqueViolation(error)) {
      await assertMsisdnFree(store.repos, row.msisdn, row.id);
      if (row.shortCode !== null) {
        await assertShortCodeFreeInStore(store.repos, groupId, row.shortCode, { memberId: row.id });
      }
    }
    throw error;
  };

  return {
    require,
    get: async (groupId: string, memberId: string): Promise<MemberView> =>
      view(await require(groupId, memberId)),

    async list(groupId: string, filter: MemberFilter, page: PageRequest): Promise<Page<MemberView>> {
      await deps.groups.require(groupId);
      return toPage(await repo.list(groupId, filter, page), page.limit, view);
    },

    async create(groupId: string, input: MemberInput): Promise<MemberView> {
      const group = await deps.groups.require(groupId);
      await assertMsisdnFree(store.repos, input.msisdn);
      const now = clock.now();
      const keys = nameKeys(input.name);
      const row: MemberRow = {
        id: newId('mem'),
        groupId,
        msisdn: input.msisdn,
        name: input.name,
        namePinyin: keys.pinyin,
        nameInitials: keys.initials,
        department: input.department ?? null,
        title: input.title ?? null,
        homeProvince: input.homeProvince ?? group.province,
        status: input.status ?? 'active',
        shortCode: null,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await repo.insert(row);
      } catch (error) {
        // The group was deleted after the check above: as if it had been gone before.
        if (isForeignKeyViolation(error)) throw notFound('group');
        return explainUniqueViolation(error, groupId, row);
      }
      deps.writer.putMember(row);
      return view(row);
    },

    async update(groupId: string, memberId: string, patch: MemberPatch): Promise<MemberView> {
      let attempted: MemberRow | undefined;
      // The stored row is the base of the new one, and a new short code is checked against
      // what is committed: one transaction, the group's row locked (on PostgreSQL) so that
      // two holders cannot take the same code at once.
      const next = await store
        .transaction(async (tx) => {
          const current = await requireIn(tx, groupId, memberId);
          const row: MemberRow = { ...current, updatedAt: clock.now() };
          for (const [field, value] of Object.entries(patch)) {
            if (value !== undefined) (row as Record<string, unknown>)[field] = value;
          }
          if (patch.name !== undefined) {
            const keys = nameKeys(patch.name);
            row.namePinyin = keys.pinyin;
            row.nameInitials = keys.initials;
          }
          attempted = row;
          if (row.msisdn !== current.msisdn) await assertMsisdnFree(tx, row.msisdn, memberId);
          if (row.shortCode !== null) {
            if (row.shortCode !== current.shortCode) {
              assertShortCodeAllowed(dir, groupId, row.shortCode, { memberId });
              await tx.groups.lock(groupId);
              await assertShortCodeFreeInStore(tx, groupId, row.shortCode, { memberId });
            }
            assertProvinceAllowsShortCode(dir, groupId, row.homeProvince);
          }
          await tx.members.update(row);
          return row;
        })
        .catch((error: unknown) =>
          attempted === undefined ? Promise.reject(error) : explainUniqueViolation(error, groupId, attempted),
        );
      // The directory follows the commit.
      deps.writer.putMember(next);
      return view(next);
    },

    async remove(groupId: string, memberId: string): Promise<void> {
      await require(groupId, memberId);
      assertNoMenuSendsTo(groupId, memberId);
      await repo.delete(memberId);
      deps.writer.removeMember(memberId);
    },
  };
}

export type MemberService = ReturnType<typeof createMemberService>;
