import type { Clock } from '../domain/clock.js';
import { AppError, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { validateShortCode } from '../engines/vpn/index.js';
import { isUniqueViolation } from '../store/constraint-errors.js';
import type { AppStore, Repositories } from '../store/repositories.js';
import type { DirectoryWriter, RoutingDirectory } from '../store/routing-directory/index.js';
import type { SubgroupRow, VpnRow } from '../store/vpn-repo.js';
import type { GroupService } from './groups.js';
import type { MemberService } from './members.js';
import { assertShortCodeAllowed, assertShortCodeFreeInStore } from './short-codes.js';

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

type VpnRepos = Pick<Repositories, 'groups' | 'members' | 'vpn'>;

export function createVpnService(deps: {
  store: { repos: VpnRepos; transaction: AppStore['transaction'] };
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
  const { store } = deps;
  const repo = store.repos.vpn;
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

  const requireSubgroup = async (groupId: string, subgroupId: string): Promise<SubgroupRow> => {
    const row = await repo.subgroup(subgroupId);
    if (!row || row.groupId !== groupId) throw notFound('sub-group');
    return row;
  };

  /**
   * Writes a sub-group whose new short code (if any) passed `assertShortCodeAllowed`: the
   * committed holders are checked in the same transaction, the group's row locked (on
   * PostgreSQL) so that two holders cannot take the code at once; a unique refusal from a
   * writer that got there first still answers the 409.
   */
  const writeSubgroup = async (
    row: SubgroupRow,
    codeChanged: boolean,
    write: (tx: VpnRepos) => Promise<unknown>,
  ): Promise<void> => {
    const { groupId, shortCode } = row;
    const holder = { subgroupId: row.id };
    try {
      await store.transaction(async (tx) => {
        if (codeChanged && shortCode !== null) {
          await tx.groups.lock(groupId);
          await assertShortCodeFreeInStore(tx, groupId, shortCode, holder);
        }
        await write(tx);
      });
    } catch (error) {
      if (isUniqueViolation(error) && shortCode !== null) {
        await assertShortCodeFreeInStore(store.repos, groupId, shortCode, holder);
      }
      throw error;
    }
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
    async get(groupId: string) {
      await deps.groups.require(groupId);
      const row = await repo.vpn(groupId);
      if (!row) throw notFound('VPN of this group');
      return vpnView(row);
    },

    async put(groupId: string, input: VpnInput) {
      await deps.groups.require(groupId);
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
      // Whether it was created is decided by the same transaction that writes it.
      const created = await store.transaction(async (tx) => {
        await tx.groups.lock(groupId);
        const existed = (await tx.vpn.vpn(groupId)) !== undefined;
        await tx.vpn.upsertVpn(row);
        return !existed;
      });
      deps.writer.setVpn(groupId, row);
      return { created, vpn: vpnView(row) };
    },

    async listSubgroups(groupId: string) {
      await deps.groups.require(groupId);
      return (await repo.subgroupsOf(groupId)).map(subgroupView);
    },

    getSubgroup: async (groupId: string, subgroupId: string) =>
      subgroupView(await requireSubgroup(groupId, subgroupId)),

    async createSubgroup(groupId: string, input: SubgroupInput) {
      await deps.groups.require(groupId);
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
      await writeSubgroup(row, true, (tx) => tx.vpn.insertSubgroup(row));
      deps.writer.putSubgroup(row);
      return subgroupView(row);
    },

    async updateSubgroup(groupId: string, subgroupId: string, patch: Partial<SubgroupInput>) {
      const current = await requireSubgroup(groupId, subgroupId);
      const row: SubgroupRow = {
        ...current,
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.shortCode !== undefined && { shortCode: patch.shortCode }),
        ...(patch.onnetRateFenPerMinute !== undefined && {
          onnetRateFenPerMinute: patch.onnetRateFenPerMinute,
        }),
      };
      const codeChanged = row.shortCode !== current.shortCode;
      if (row.shortCode !== null && codeChanged) {
        assertShortCodeAllowed(dir, groupId, row.shortCode, { subgroupId });
      }
      await writeSubgroup(row, codeChanged, (tx) => tx.vpn.updateSubgroup(row));
      deps.writer.putSubgroup(row);
      return subgroupView(row);
    },

    async deleteSubgroup(groupId: string, subgroupId: string) {
      await requireSubgroup(groupId, subgroupId);
      await repo.deleteSubgroup(subgroupId);
      deps.writer.removeSubgroup(groupId, subgroupId);
    },

    async join(groupId: string, subgroupId: string, memberId: string) {
      const subgroup = await requireSubgroup(groupId, subgroupId);
      await deps.members.require(groupId, memberId);
      await repo.link(subgroupId, memberId);
      deps.writer.joinSubgroup(subgroupId, memberId);
      return subgroupView(subgroup);
    },

    async leave(groupId: string, subgroupId: string, memberId: string) {
      const subgroup = await requireSubgroup(groupId, subgroupId);
      await deps.members.require(groupId, memberId);
      await repo.unlink(subgroupId, memberId);
      deps.writer.leaveSubgroup(subgroupId, memberId);
      return subgroupView(subgroup);
    },
  };
}

export type VpnService = ReturnType<typeof createVpnService>;
