export const INSTITUTION_TYPES = [
  'government', // 机关法人
  'enterprise', // 企业法人
  'public_institution', // 事业单位法人
  'social_organization', // 社会团体法人
  'other_legal', // 其它法人
  'industrial_unit', // 产业活动单位
  'individual_business', // 个体经营户
  'cluster', // 聚类客户
] as const;
export type InstitutionType = (typeof INSTITUTION_TYPES)[number];

export const VALUE_TIERS = ['A1', 'A2', 'B1', 'B2', 'C', 'D'] as const;
export type ValueTier = (typeof VALUE_TIERS)[number];

/** Tier D holds exactly the individual businesses and cluster customers. */
export function tierFitsInstitution(tier: ValueTier, type: InstitutionType): boolean {
  const tierD = type === 'individual_business' || type === 'cluster';
  return (tier === 'D') === tierD;
}

/** ISO 3166-2:CN subdivision codes (provinces, autonomous regions, municipalities, SARs, Taiwan). */
export const PROVINCES = [
  'CN-AH',
  'CN-BJ',
  'CN-CQ',
  'CN-FJ',
  'CN-GD',
  'CN-GS',
  'CN-GX',
  'CN-GZ',
  'CN-HA',
  'CN-HB',
  'CN-HE',
  'CN-HI',
  'CN-HK',
  'CN-HL',
  'CN-HN',
  'CN-JL',
  'CN-JS',
  'CN-JX',
  'CN-LN',
  'CN-MO',
  'CN-NM',
  'CN-NX',
  'CN-QH',
  'CN-SC',
  'CN-SD',
  'CN-SH',
  'CN-SN',
  'CN-SX',
  'CN-TJ',
  'CN-TW',
  'CN-XJ',
  'CN-XZ',
  'CN-YN',
  'CN-ZJ',
] as const;
export type Province = (typeof PROVINCES)[number];

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
