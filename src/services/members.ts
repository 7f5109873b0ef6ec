import type { Clock } from '../domain/clock.js';
import { AppError, notFound } from '../domain/errors.js';
import type { Province } from '../domain/group-rules.js';
import { newId } from '../domain/ids.js';
import { nameKeys } from '../domain/name-keys.js';
import { menuKeysOfMember } from '../engines/switchboard/menu.js';

import type { MemberFilter, MemberRepo, MemberRow } from '../store/member-repo.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import type { DirectoryWriter, RoutingDirectory } from '../store/routing-directory/index.js';
import type { GroupService } from './groups.js';
import { assertProvinceAllowsShortCode, assertShortCodeAllowed } from './short-codes.js';
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

export function createMemberService(deps: {
  repo: MemberRepo;
  groups: Pick<GroupService, 'require'>;
  directory: RoutingDirectory;
  /** Told each committed change, after its write. */
  writer: Pick<DirectoryWriter, 'putMember' | 'removeMember'>;
  clock: Clock;
}) {
  const { repo, clock } = deps;
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

  const require = (groupId: string, memberId: string): MemberRow => {
    const row = repo.byId(memberId);
    if (!row || row.groupId !== groupId) throw notFound('member');
    return row;
  };

  const assertMsisdnFree = (msisdn: string, memberId?: string) => {
    const holder = dir.membersByMsisdn.get(msisdn) ?? repo.byMsisdn(msisdn);
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

  return {
    require,
    get: (groupId: string, memberId: string): MemberView => view(require(groupId, memberId)),

    list(groupId: string, filter: MemberFilter, page: PageRequest): Page<MemberView> {
      deps.groups.require(groupId);
      return toPage(repo.list(groupId, filter, page), page.limit, view);
    },

    create(groupId: string, input: MemberInput): MemberView {
      const group = deps.groups.require(groupId);
      assertMsisdnFree(input.msisdn);
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
      repo.insert(row);
      deps.writer.putMember(row);
      return view(row);
    },

    update(groupId: string, memberId: string, patch: MemberPatch): MemberView {
      const current = require(groupId, memberId);
      const next: MemberRow = { ...current, updatedAt: clock.now() };
      for (const [field, value] of Object.entries(patch)) {
        if (value !== undefined) (next as Record<string, unknown>)[field] = value;
      }
      if (patch.name !== undefined) {
        const keys = nameKeys(patch.name);
        next.namePinyin = keys.pinyin;
        next.nameInitials = keys.initials;
      }
      if (next.msisdn !== current.msisdn) assertMsisdnFree(next.msisdn, memberId);
      if (next.shortCode !== null) {
        if (next.shortCode !== current.shortCode) {
          assertShortCodeAllowed(dir, groupId, next.shortCode, { memberId });
        }
        assertProvinceAllowsShortCode(dir, groupId, next.homeProvince);
      }
      repo.update(next);
      deps.writer.putMember(next);
      return view(next);
    },

    remove(groupId: string, memberId: string): void {
      require(groupId, memberId);
      assertNoMenuSendsTo(groupId, memberId);
      repo.delete(memberId);
      deps.writer.removeMember(memberId);
    },
  };
}

export type MemberService = ReturnType<typeof createMemberService>;
