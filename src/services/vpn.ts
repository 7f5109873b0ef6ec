import type { Clock } from '../domain/clock.js';
import { AppError, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { validateShortCode } from '../engines/vpn/index.js';
import type { DirectoryWriter, RoutingDirectory } from '../store/routing-directory/index.js';
import type { SubgroupRow, VpnRepo, VpnRow } from '../store/vpn-repo.js';
import type { GroupService } from './groups.js';
import type { MemberService } from './members.js';
import { assertShortCodeAllowed } from './short-codes.js';

export interface VpnInput {
  shortCodeLength: { min: number; max: number };
  crossProvince: boolean;
  showShortCode: boolean;
  onnetRateFenPerMinute?: number | null | undefined;
}

export interface SubgroupInput {
  name: string;
  shortCode?: string | null | undefined;
  onnetRateFenPerMinute?: number | null | undefined;
}

const vpnView = (row: VpnRow) => ({
  groupId: row.groupId,
  shortCodeLength: { min: row.shortCodeMin, max: row.shortCodeMax },
  crossProvince: row.crossProvince,
  showShortCode: row.showShortCode,
  onnetRateFenPerMinute: row.onnetRateFenPerMinute,
});

export function createVpnService(deps: {
  repo: VpnRepo;
  groups: Pick<GroupService, 'require'>;
  members: Pick<MemberService, 'require'>;
  directory: RoutingDirectory;
  /** Told each committed change, after its write. */
  writer: Pick<
    DirectoryWriter,
    'setVpn' | 'putSubgroup' | 'removeSubgroup' | 'joinSubgroup' | 'leaveSubgroup'
  >;
  clock: Clock;
}) {
  const { repo } = deps;
  const dir = deps.directory;

  const subgroupView = (row: SubgroupRow) => ({
    id: row.id,
    groupId: row.groupId,
    name: row.name,
    shortCode: row.shortCode,
    onnetRateFenPerMinute: row.onnetRateFenPerMinute,
    memberIds: [...(dir.groups.get(row.groupId)?.subgroups.get(row.id)?.memberIds ?? [])],
    createdAt: new Date(row.createdAt).toISOString(),
  });

  const requireSubgroup = (groupId: string, subgroupId: string): SubgroupRow => {
    const row = repo.subgroup(subgroupId);
    if (!row || row.groupId !== groupId) throw notFound('sub-group');
    return row;
  };

  /** New plan settings must keep every code already held valid. */
  const assertPlanFits = (groupId: string, input: VpnInput) => {
    const group = dir.groups.get(groupId);
    if (!group) return;
    const plan = { shortCodeMin: input.shortCodeLength.min, shortCodeMax: input.shortCodeLength.max };
    for (const [code, holder] of group.shortCodes) {
      if (!validateShortCode(code, plan).ok) {
        throw new AppError('vpn_plan_conflict', `short code ${code} already held does not fit the new plan`, [
          { path: 'shortCodeLength', message: `short code ${code} is held and would not fit` },
        ]);
      }
      if (!input.crossProvince && holder.kind === 'member' && holder.homeProvince !== group.province) {
        throw new AppError(
          'vpn_plan_conflict',
          `member ${holder.id} from ${holder.homeProvince} holds short code ${code}: the VPN must stay cross-province`,
          [{ path: 'crossProvince', message: 'members from other provinces hold short codes' }],
        );
      }
    }
  };

  return {
    get(groupId: string) {
      deps.groups.require(groupId);
      const row = repo.vpn(groupId);
      if (!row) throw notFound('VPN of this group');
      return vpnView(row);
    },

    put(groupId: string, input: VpnInput) {
      deps.groups.require(groupId);
      if (input.shortCodeLength.min > input.shortCodeLength.max) {
        throw new AppError('validation_failed', 'shortCodeLength.min must not exceed shortCodeLength.max', [
          { path: 'shortCodeLength.min', message: 'greater than max' },
        ]);
      }
      assertPlanFits(groupId, input);
      const row: VpnRow = {
        groupId,
        shortCodeMin: input.shortCodeLength.min,
        shortCodeMax: input.shortCodeLength.max,
        crossProvince: input.crossProvince,
        showShortCode: input.showShortCode,
        onnetRateFenPerMinute: input.onnetRateFenPerMinute ?? null,
        updatedAt: deps.clock.now(),
      };
      const created = !repo.vpn(groupId);
      repo.upsertVpn(row);
      deps.writer.setVpn(groupId, row);
      return { created, vpn: vpnView(row) };
    },

    listSubgroups(groupId: string) {
      deps.groups.require(groupId);
      return repo.subgroupsOf(groupId).map(subgroupView);
    },

    getSubgroup: (groupId: string, subgroupId: string) => subgroupView(requireSubgroup(groupId, subgroupId)),

    createSubgroup(groupId: string, input: SubgroupInput) {
      deps.groups.require(groupId);
      if (!dir.groups.get(groupId)?.vpn) {
        throw new AppError(
          'vpn_required',
          'sub-groups need the group VPN: PUT /v1/groups/{groupId}/vpn first',
        );
      }
      const id = newId('sgp');
      if (input.shortCode != null) assertShortCodeAllowed(dir, groupId, input.shortCode, { subgroupId: id });
      const row: SubgroupRow = {
        id,
        groupId,
        name: input.name,
        shortCode: input.shortCode ?? null,
        onnetRateFenPerMinute: input.onnetRateFenPerMinute ?? null,
        createdAt: deps.clock.now(),
      };
      repo.insertSubgroup(row);
      deps.writer.putSubgroup(row);
      return subgroupView(row);
    },

    updateSubgroup(groupId: string, subgroupId: string, patch: Partial<SubgroupInput>) {
      const current = requireSubgroup(groupId, subgroupId);
      const row: SubgroupRow = {
        ...current,
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.shortCode !== undefined && { shortCode: patch.shortCode }),
        ...(patch.onnetRateFenPerMinute !== undefined && {
          onnetRateFenPerMinute: patch.onnetRateFenPerMinute,
        }),
      };
      if (row.shortCode !== null && row.shortCode !== current.shortCode) {
        assertShortCodeAllowed(dir, groupId, row.shortCode, { subgroupId });
      }
      repo.updateSubgroup(row);
      deps.writer.putSubgroup(row);
      return subgroupView(row);
    },

    deleteSubgroup(groupId: string, subgroupId: string) {
      requireSubgroup(groupId, subgroupId);
      repo.deleteSubgroup(subgroupId);
      deps.writer.removeSubgroup(groupId, subgroupId);
    },

    join(groupId: string, subgroupId: string, memberId: string) {
      const subgroup = requireSubgroup(groupId, subgroupId);
      deps.members.require(groupId, memberId);
      repo.link(subgroupId, memberId);
      deps.writer.joinSubgroup(subgroupId, memberId);
      return subgroupView(subgroup);
    },

    leave(groupId: string, subgroupId: string, memberId: string) {
      const subgroup = requireSubgroup(groupId, subgroupId);
      deps.members.require(groupId, memberId);
      repo.unlink(subgroupId, memberId);
      deps.writer.leaveSubgroup(subgroupId, memberId);
      return subgroupView(subgroup);
    },
  };
}

export type VpnService = ReturnType<typeof createVpnService>;
