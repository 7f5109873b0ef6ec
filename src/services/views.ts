import type { GroupRow } from '../store/group-repo.js';
import type { MemberRow } from '../store/member-repo.js';

/** Epoch ms → ISO 8601 (UTC, `Z` offset). */
export const iso = (ms: number): string => new Date(ms).toISOString();

export function groupView(row: GroupRow) {
  return {
    id: row.id,
    name: row.name,
    institutionType: row.institutionType,
    valueTier: row.valueTier,
    province: row.province,
    city: row.city,
    timezone: row.timezone,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}
export type GroupView = ReturnType<typeof groupView>;

export function memberView(row: MemberRow, subgroupIds: string[] = []) {
  return {
    id: row.id,
    groupId: row.groupId,
    msisdn: row.msisdn,
    name: row.name,
    department: row.department,
    title: row.title,
    homeProvince: row.homeProvince,
    status: row.status,
    shortCode: row.shortCode,
    subgroupIds,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}
export type MemberView = ReturnType<typeof memberView>;
