import type { Clock } from '../domain/clock.js';
import { AppError, notFound } from '../domain/errors.js';
import {
  DEFAULT_TIMEZONE,
  type InstitutionType,
  type Province,
  tierFitsInstitution,
  type ValueTier,
} from '../domain/group-rules.js';
import { newId } from '../domain/ids.js';
import { canonicalTimezone } from '../domain/time-zones.js';
import type { GroupRepo, GroupRow } from '../store/group-repo.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import type { DirectoryWriter, RoutingDirectory } from '../store/routing-directory/index.js';
import { type GroupView, groupView } from './views.js';

export interface GroupInput {
  name: string;
  institutionType: InstitutionType;
  valueTier: ValueTier;
  province: Province;
  city?: string | null | undefined;
  timezone?: string | undefined;
}

export function createGroupService(deps: {
  repo: GroupRepo;
  directory: RoutingDirectory;
  /** Told each committed change, after its write. */
  writer: Pick<DirectoryWriter, 'putGroup' | 'removeGroup'>;
  clock: Clock;
}) {
  const { repo, clock } = deps;

  /** Checks the rules and canonicalises the time zone in place. */
  const check = (row: Pick<GroupRow, 'institutionType' | 'valueTier' | 'timezone'>) => {
    if (!tierFitsInstitution(row.valueTier, row.institutionType)) {
      throw new AppError(
        'tier_mismatch',
        `value tier ${row.valueTier} does not fit institution type ${row.institutionType}: tier D is exactly the individual businesses and cluster customers`,
        [{ path: 'valueTier', message: `not allowed for ${row.institutionType}` }],
      );
    }
    const timezone = canonicalTimezone(row.timezone);
    if (timezone) {
      row.timezone = timezone;
    } else {
      throw new AppError('invalid_timezone', `unknown IANA time zone ${row.timezone}`, [
        { path: 'timezone', message: 'unknown IANA time zone' },
      ]);
    }
  };

  /** Without cross-province, moving the group must not leave short-code holders abroad. */
  const assertShortCodesStayHome = (groupId: string, province: string) => {
    const entry = deps.directory.groups.get(groupId);
    if (!entry?.vpn || entry.vpn.crossProvince) return;
    for (const holder of entry.shortCodes.values()) {
      if (holder.kind === 'member' && holder.homeProvince !== province) {
        throw new AppError(
          'vpn_plan_conflict',
          `member ${holder.id} from ${holder.homeProvince} holds short code ${holder.shortCode}: the VPN is not cross-province`,
          [{ path: 'province', message: 'short-code holders would be outside the group province' }],
        );
      }
    }
  };

  const require = (id: string): GroupRow => {
    const row = repo.byId(id);
    if (!row) throw notFound('group');
    return row;
  };

  return {
    exists: (id: string) => repo.byId(id) !== undefined,
    require,
    get: (id: string): GroupView => groupView(require(id)),

    list: (page: PageRequest, scope: ReadonlySet<string> | null): Page<GroupView> =>
      toPage(repo.list(page, scope), page.limit, groupView),

    create(input: GroupInput): GroupView {
      const now = clock.now();
      const row: GroupRow = {
        id: newId('grp'),
        name: input.name,
        institutionType: input.institutionType,
        valueTier: input.valueTier,
        province: input.province,
        city: input.city ?? null,
        timezone: input.timezone ?? DEFAULT_TIMEZONE,
        createdAt: now,
        updatedAt: now,
      };
      check(row);
      repo.insert(row);
      deps.writer.putGroup(row);
      return groupView(row);
    },

    update(id: string, patch: Partial<GroupInput>): GroupView {
      const current = require(id);
      const row: GroupRow = {
        ...current,
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
        updatedAt: clock.now(),
      };
      check(row);
      if (row.province !== current.province) assertShortCodesStayHome(id, row.province);
      repo.update(row);
      deps.writer.putGroup(row);
      return groupView(row);
    },

    remove(id: string): void {
      require(id);
      const count = repo.memberCount(id);
      if (count > 0) {
        throw new AppError('group_has_members', `the group still has ${count} members: delete them first`);
      }
      repo.delete(id);
      deps.writer.removeGroup(id);
    },
  };
}

export type GroupService = ReturnType<typeof createGroupService>;
