import { pinyin } from 'pinyin-pro';

export interface NameKeys {
  /** Full pinyin, lower case, no tones or spaces: `张兰` → `zhanglan`. */
  pinyin: string;
  /** First letters of each syllable: `张兰` → `zl`. */
  initials: string;
}

/**
 * The version of the keys below. Stored keys of an older version are recomputed at start
 * (version 2: ü is written `v`, as Chinese keyboards type it: 吕 → `lv`, not `l`).
 */
export const NAME_KEYS_VERSION = 2;

/**
 * Search keys of a (usually Chinese) name. `surname: 'head'` reads the first character as a
 * surname, which gets polyphonic surnames right (单 shan, 曾 zeng, 仇 qiu).
 */
export function nameKeys(name: string): NameKeys {
  const syllables = pinyin(name, {
    toneType: 'none',
    type: 'array',
    surname: 'head',
    nonZh: 'consecutive',
    v: true,
  })
    .map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .filter((s) => s.length > 0);
  return { pinyin: syllables.join(''), initials: syllables.map((s) => s[0]).join('') };
}

/**
 * A search query lower-cased with spaces and apostrophes removed (`Zhang Lan` → `zhanglan`), and
 * ü written `v` as the keys are (`lü` → `lv`).
 */
export function normaliseQuery(q: string): string {
  return q.trim().toLowerCase().replace(/[\s']/g, '').replaceAll('ü', 'v');
}
