import { AppError } from '../domain/errors.js';
import { validateShortCode } from '../engines/vpn/index.js';
import type { Repositories } from '../store/repositories.js';
import type { RoutingDirectory } from '../store/routing-directory/index.js';

type ShortCodeHolder = { memberId?: string; subgroupId?: string };

/**
 * The one place that decides whether a member or sub-group may hold a short code: the group
 * must have a VPN (422), the code must fit the plan (422), and no other member or sub-group of
 * the group may hold it (409). Reads the directory, which mirrors the committed state.
 */
export function assertShortCodeAllowed(
  directory: RoutingDirectory,
  groupId: string,
  shortCode: string,
  holder: ShortCodeHolder,
  field = 'shortCode',
): void {
  const group = directory.groups.get(groupId);
  if (!group?.vpn) {
    throw new AppError('vpn_required', 'short codes need the group VPN: PUT /v1/groups/{groupId}/vpn first', [
      { path: field, message: 'the group has no VPN' },
    ]);
  }
  const check = validateShortCode(shortCode, group.vpn);
  if (!check.ok)
    throw new AppError('short_code_invalid', check.message, [{ path: field, message: check.message }]);
  const taken = group.shortCodes.get(shortCode);
  if (!taken) return;
  const sameHolder =
    (taken.kind === 'member' && taken.id === holder.memberId) ||
    (taken.kind === 'subgroup' && taken.id === holder.subgroupId);
  if (!sameHolder) {
    throw shortCodeTaken(
      shortCode,
      taken.kind === 'member' ? `member ${taken.id}` : `sub-group ${taken.id}`,
      field,
    );
  }
}

/**
 * The committed holders of the code, for the transaction that assigns it (after
 * `assertShortCodeAllowed`, with the group's row locked): the directory follows commits, so a
 * concurrent assignment may not be in it yet, and no unique constraint spans members and
 * sub-groups.
 */
export async function assertShortCodeFreeInStore(
  tx: Pick<Repositories, 'members' | 'vpn'>,
  groupId: string,
  shortCode: string,
  holder: ShortCodeHolder,
  field = 'shortCode',
): Promise<void> {
  const member = await tx.members.byShortCode(groupId, shortCode);
  if (member !== undefined && member.id !== holder.memberId) {
    throw shortCodeTaken(shortCode, `member ${member.id}`, field);
  }
  const subgroup = await tx.vpn.subgroupByShortCode(groupId, shortCode);
  if (subgroup !== undefined && subgroup.id !== holder.subgroupId) {
    throw shortCodeTaken(shortCode, `sub-group ${subgroup.id}`, field);
  }
}

const shortCodeTaken = (shortCode: string, who: string, field: string) =>
  new AppError('short_code_taken', `short code ${shortCode} is held by ${who}`, [
    { path: field, message: 'already taken in this group' },
  ]);

/** Without cross-province, only members of the group's home province may hold a short code. */
export function assertProvinceAllowsShortCode(
  directory: RoutingDirectory,
  groupId: string,
  homeProvince: string,
): void {
  const group = directory.groups.get(groupId);
  if (group?.vpn && !group.vpn.crossProvince && homeProvince !== group.province) {
    throw new AppError(
      'cross_province_not_allowed',
      `the VPN is not cross-province: a member from ${homeProvince} cannot hold a short code in a ${group.province} group`,
      [{ path: 'shortCode', message: 'member is outside the group province' }],
    );
  }
}
