import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INSTITUTION_TYPES, tierFitsInstitution, VALUE_TIERS } from '../../../src/domain/group-rules.js';
import { nameKeys, normaliseQuery } from '../../../src/domain/name-keys.js';

describe('nameKeys', () => {
  it.each([
    ['张兰', 'zhanglan', 'zl'],
    ['李四', 'lisi', 'ls'],
    ['欧阳娜娜', 'ouyangnana', 'oynn'],
    ['张 兰', 'zhanglan', 'zl'],
    ['  张兰  ', 'zhanglan', 'zl'],
  ])('%s → %s / %s', (name, pinyin, initials) => {
    expect(nameKeys(name)).toEqual({ pinyin, initials });
  });

  it.each([
    ['单', 'shan', 's'],
    ['单田芳', 'shantianfang', 'stf'],
    ['曾', 'zeng', 'z'],
    ['曾国藩', 'zengguofan', 'zgf'],
    ['仇大海', 'qiudahai', 'qdh'],
  ])('reads the polyphonic surname of %s as a surname: %s / %s', (name, pinyin, initials) => {
    expect(nameKeys(name)).toEqual({ pinyin, initials });
  });

  it('reads the same characters by their ordinary reading outside the surname position', () => {
    expect(nameKeys('张单').pinyin).toBe('zhangdan');
    expect(nameKeys('李曾').pinyin).toBe('liceng');
  });

  it('keeps latin letters and digits, lower-cased, and drops punctuation', () => {
    expect(nameKeys('王小明2')).toEqual({ pinyin: 'wangxiaoming2', initials: 'wxm2' });
    expect(nameKeys("O'Brien").pinyin).toBe('obrien');
    expect(nameKeys('').pinyin).toBe('');
  });

  it('always gives lower-case ascii keys, one initial per syllable, each the start of the pinyin', () => {
    const hanzi = fc.constantFrom(...'张王李赵刘陈杨黄周吴兰明华国强军丽芳伟娜敏静秀英');
    fc.assert(
      fc.property(fc.array(hanzi, { minLength: 1, maxLength: 4 }), (chars) => {
        const { pinyin, initials } = nameKeys(chars.join(''));
        expect(pinyin).toMatch(/^[a-z]+$/);
        expect(initials).toMatch(/^[a-z]+$/);
        expect(initials).toHaveLength(chars.length);
        expect(pinyin.startsWith(initials[0]!)).toBe(true);
        // Each character read alone starts with its initial (surname reading aside, same letter).
        chars.forEach((c, i) => {
          expect(nameKeys(c).initials).toBe(initials[i]);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('normaliseQuery', () => {
  it.each([
    ['Zhang Lan', 'zhanglan'],
    ['  ZHANGLAN ', 'zhanglan'],
    ["Xi'an", 'xian'],
    ['z l', 'zl'],
    ['张兰', '张兰'],
    ['138 0013', '1380013'],
  ])('%j → %j', (q, expected) => {
    expect(normaliseQuery(q)).toBe(expected);
  });

  it('is idempotent and leaves no upper case, spaces or apostrophes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (q) => {
        const once = normaliseQuery(q);
        expect(normaliseQuery(once)).toBe(once);
        expect(once).not.toMatch(/[\s'A-Z]/);
      }),
      { numRuns: 300 },
    );
  });

  it('matches the name keys of the pinyin a user types with spaces and capitals', () => {
    expect(normaliseQuery('Zhang Lan')).toBe(nameKeys('张兰').pinyin);
    expect(normaliseQuery('Z L')).toBe(nameKeys('张兰').initials);
    expect(normaliseQuery('Shan Tian Fang')).toBe(nameKeys('单田芳').pinyin);
  });
});

describe('tierFitsInstitution', () => {
  const TIER_D_TYPES = new Set(['individual_business', 'cluster']);

  it('holds exactly when tier D meets an individual business or a cluster customer', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALUE_TIERS), fc.constantFrom(...INSTITUTION_TYPES), (tier, type) => {
        expect(tierFitsInstitution(tier, type)).toBe((tier === 'D') === TIER_D_TYPES.has(type));
      }),
      { numRuns: 200 },
    );
  });

  it('accepts 32 of the 48 pairings: D with 2 types, the 5 other tiers with the 6 other types', () => {
    const fitting = VALUE_TIERS.flatMap((tier) =>
      INSTITUTION_TYPES.filter((type) => tierFitsInstitution(tier, type)).map((type) => `${tier}/${type}`),
    );
    expect(fitting).toHaveLength(32);
    expect(fitting.filter((p) => p.startsWith('D/')).sort()).toEqual(['D/cluster', 'D/individual_business']);
    expect(tierFitsInstitution('A1', 'cluster')).toBe(false);
    expect(tierFitsInstitution('D', 'enterprise')).toBe(false);
    expect(tierFitsInstitution('C', 'government')).toBe(true);
  });
});

describe('ü in names and queries', () => {
  it('is written v, as Chinese keyboards type it', () => {
    expect(nameKeys('吕布')).toEqual({ pinyin: 'lvbu', initials: 'lb' });
    expect(nameKeys('女娲')).toEqual({ pinyin: 'nvwa', initials: 'nw' });
    expect(nameKeys('张兰')).toEqual({ pinyin: 'zhanglan', initials: 'zl' });
    expect(normaliseQuery('Lü Bu')).toBe('lvbu');
  });
});
