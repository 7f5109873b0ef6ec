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
import type { GroupRow } from '../store/group-repo.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import type { AppStore, Repositories } from '../store/repositories.js';
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
  store: { repos: Pick<Repositories, 'groups'>; transaction: AppStore['transaction'] };
  directory: RoutingDirectory;
  /** Told each committed change, after its write. */
  writer: Pick<DirectoryWriter, 'putGroup' | 'removeGroup'>;
  clock: Clock;
}) {
  const { store, clock } = deps;
  const repo = store.repos.groups;

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

  const require = async (id: string): Promise<GroupRow> => {
    const row = await repo.byId(id);
    if (!row) throw notFound('group');
    return row;
  };

  return {
    exists: async (id: string) => (await repo.byId(id)) !== undefined,
    require,
    get: async (id: string): Promise<GroupView> => groupView(await require(id)),

    list: async (page: PageRequest, scope: ReadonlySet<string> | null): Promise<Page<GroupView>> =>
      toPage(await repo.list(page, scope), page.limit, groupView),

    async create(input: GroupInput): Promise<GroupView> {
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
      await repo.insert(row);
      deps.writer.putGroup(row);
      return groupView(row);
    },

    async update(id: string, patch: Partial<GroupInput>): Promise<GroupView> {
      // The stored row is the base of the new one: read and written in one transaction, so a
      // concurrent change is not lost (the row is locked on PostgreSQL).
      const row = await store.transaction(async (tx) => {
        const current = await tx.groups.lock(id);
        if (!current) throw notFound('group');
        const next: GroupRow = {
          ...current,
          ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
          updatedAt: clock.now(),
        };
        check(next);
        if (next.province !== current.province) assertShortCodesStayHome(id, next.province);
        await tx.groups.update(next);
        return next;
      });
      deps.writer.putGroup(row);
      return groupView(row);
    },

    async remove(id: string): Promise<void> {
      // The count decides the delete: both in one transaction, the group's row locked so that
      // no member joins between them (on PostgreSQL; SQLite runs transactions one at a time).
      await store.transaction(async (tx) => {
        if (!(await tx.groups.lock(id))) throw notFound('group');
        const count = await tx.groups.memberCount(id);
        if (count > 0) {
          throw new AppError('group_has_members', `the group still has ${count} members: delete them first`);
        }
        await tx.groups.delete(id);
      });
      deps.writer.removeGroup(id);
    },
  };
}

export type GroupService = ReturnType<typeof createGroupService>;
