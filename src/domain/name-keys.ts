import { pinyin } from 'pinyin-pro';

export interface NameKeys {
  /** Full pinyin, lower case, no tones or spaces: `张兰` → `zhanglan`. */
  pinyin: string;
  /** First letters of each syllable: `张兰` → `zl`. */
  initials: string;
}

/**
 * Search keys of a (usually Chinese) name. `surname: 'head'` reads the first character as a
 * surname, which gets polyphonic surnames right (单 shan, 曾 zeng, 仇 qiu).
 */
export function nameKeys(name: string): NameKeys {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' })
    .map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .filter((s) => s.length > 0);
  return { pinyin: syllables.join(''), initials: syllables.map((s) => s[0]).join('') };
}

/** A search query lower-cased with spaces and apostrophes removed (`Zhang Lan` → `zhanglan`). */
export function normaliseQuery(q: string): string {
  return q.trim().toLowerCase().replace(/[\s']/g, '');
}
