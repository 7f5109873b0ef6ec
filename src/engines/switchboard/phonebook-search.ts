/**
 * The operator desk's phonebook search (总机通讯录查询): who in the switchboard's group a caller
 * or an operator is looking for, by hanzi, full pinyin, pinyin initials, department, extension
 * or number.
 *
 * Pure: `buildPhonebookIndex` turns plain entries into plain lookup tables once; the service
 * caches the index per switchboard and rebuilds it when the group's members or the
 * switchboard's extensions change. `searchPhonebook` then answers from the tables alone.
 *
 * Ranking is a fixed ladder of tiers (`PHONEBOOK_TIERS`, rank 1 best): an entry is reported at
 * the best tier it matches. Within a tier, entries come in phonebook order: by name pinyin, then
 * member id, so equal queries give equal answers. The index keeps every posting list in that
 * order and the tiers are walked best first, so a search stops as soon as it has `limit` hits:
 * the cost follows the answer, not the size of the group.
 */

import type { MemberStatus } from '../../store/routing-directory/model.js';

export type PhonebookMatch = 'name' | 'pinyin' | 'initials' | 'department' | 'extension' | 'msisdn';

export interface PhonebookEntry {
  memberId: string;
  name: string;
  department: string | null;
  /** E.164. */
  msisdn: string;
  shortCode: string | null;
  status: MemberStatus;
  /** Full pinyin, lower case, no tones or spaces: `zhanglan`. */
  pinyin: string;
  /** Pinyin initials: `zl`. */
  initials: string;
  /** The extensions (分机) the member holds on the switchboard, if any. */
  extensions: readonly string[];
}

export interface PhonebookHit {
  entry: PhonebookEntry;
  /** What matched; null when the query is empty and the listing is everyone. */
  matchedBy: PhonebookMatch | null;
  /** The tier (`PHONEBOOK_TIERS`), 1 best; 0 when the query is empty. */
  rank: number;
}

/** The ranking ladder, best first. Rank = index + 1. */
export const PHONEBOOK_TIERS = [
  { matchedBy: 'name', rule: 'the name equals the query' },
  { matchedBy: 'pinyin', rule: 'the full pinyin equals the query (case, spaces and apostrophes ignored)' },
  { matchedBy: 'initials', rule: 'the pinyin initials equal the query' },
  { matchedBy: 'name', rule: 'the name starts with the query' },
  { matchedBy: 'pinyin', rule: 'the full pinyin starts with the query' },
  { matchedBy: 'initials', rule: 'the pinyin initials start with the query' },
  { matchedBy: 'name', rule: 'the name contains the query' },
  { matchedBy: 'pinyin', rule: 'the full pinyin contains the query (two letters or more)' },
  { matchedBy: 'department', rule: 'the department equals the query' },
  { matchedBy: 'department', rule: 'the department contains the query' },
  { matchedBy: 'extension', rule: 'an extension equals the query' },
  { matchedBy: 'msisdn', rule: 'the number equals the query (national or international form)' },
  { matchedBy: 'extension', rule: 'an extension starts with the query' },
  { matchedBy: 'msisdn', rule: 'the number contains the query (four digits or more)' },
] as const satisfies ReadonlyArray<{ matchedBy: PhonebookMatch; rule: string }>;

const RANK = {
  nameExact: 1,
  pinyinExact: 2,
  initialsExact: 3,
  namePrefix: 4,
  pinyinPrefix: 5,
  initialsPrefix: 6,
  nameContains: 7,
  pinyinContains: 8,
  departmentExact: 9,
  departmentContains: 10,
  extensionExact: 11,
  msisdnExact: 12,
  extensionPrefix: 13,
  msisdnContains: 14,
} as const;

/** Shortest query that the contains tiers consider: letters for pinyin, digits for numbers. */
export const MIN_PINYIN_CONTAINS = 2;
export const MIN_MSISDN_CONTAINS = 4;

type Postings = Map<string, number[]>;

/**
 * Posting lists of small-integer keys in one block (compressed rows): key k's positions are
 * `positions[offsets[k]]` up to `positions[offsets[k + 1]]`. Two passes over the texts and no
 * per-key arrays, so building one for 10,000 entries costs about a millisecond.
 */
export interface GramTable {
  readonly size: number;
  readonly offsets: Int32Array;
  readonly positions: Int32Array;
}

/**
 * Lookup tables over the entries, all plain data. Positions index `entries`, which are in
 * phonebook order (pinyin, then member id); every posting list is ascending.
 */
export interface PhonebookIndex {
  readonly entries: readonly PhonebookEntry[];
  /** `entries[i].pinyin`: sorted, so pinyin exact and prefix matches are ranges. */
  readonly pinyins: readonly string[];
  /** Lower-cased names and national numbers, by position. */
  readonly names: readonly string[];
  readonly nationals: readonly string[];
  readonly nameExact: Postings;
  readonly initialsExact: Postings;
  readonly departmentExact: Postings;
  readonly extensionExact: ReadonlyMap<string, number>;
  readonly msisdnExact: ReadonlyMap<string, number>;
  /** Keyed by the first characters (UTF-16 units): one and two; for extensions up to four. */
  readonly namePrefix: Postings;
  readonly initialsPrefix: Postings;
  readonly extensionPrefix: Postings;
  /** Keyed by UTF-16 unit: the characters of names. */
  readonly nameChars: Map<number, number[]>;
  /** Letter pairs and triples of the pinyin, four digits of the national number. */
  readonly pinyinPairs: GramTable;
  readonly pinyinTriples: GramTable;
  readonly msisdnQuads: GramTable;
}

/** Phonebook order: name pinyin, then member id, by UTF-16 code units (as the index compares). */
export function compareEntries(a: PhonebookEntry, b: PhonebookEntry): number {
  if (a.pinyin !== b.pinyin) return a.pinyin < b.pinyin ? -1 : 1;
  if (a.memberId !== b.memberId) return a.memberId < b.memberId ? -1 : 1;
  return 0;
}

/** National digits of an E.164 number: `+8613800138000` → `13800138000`; others keep their country code. */
export function nationalDigits(msisdn: string): string {
  return msisdn.startsWith('+86') ? msisdn.slice(3) : msisdn.replace(/\D/g, '');
}

/** Appends `position` to `key`'s list unless it is already its last (entries come in order). */
function post<K>(postings: Map<K, number[]>, key: K, position: number): void {
  const list = postings.get(key);
  if (list === undefined) postings.set(key, [position]);
  else if (list[list.length - 1] !== position) list.push(position);
}

/**
 * Prefix postings are keyed by a text's first units, up to these many: two for names and
 * initials (a short list to check beats thousands of tiny ones to build), four for extensions
 * (few of them, and dialled digit by digit).
 */
const PREFIX_KEY = 2;
const EXTENSION_PREFIX_KEY = 4;
const NONE: readonly number[] = [];

function postPrefixes(postings: Postings, text: string, position: number, key = PREFIX_KEY): void {
  const longest = Math.min(key, text.length);
  for (let k = 1; k <= longest; k++) post(postings, text.slice(0, k), position);
}

function postChars(postings: Map<number, number[]>, text: string, position: number): void {
  for (let i = 0; i < text.length; i++) post(postings, text.charCodeAt(i), position);
}

/** Pinyin letters (and the digits a non-Chinese name may carry) as 0–35; -1 for anything else. */
function letter(code: number): number {
  if (code >= 97 && code <= 122) return code - 97;
  if (code >= 48 && code <= 57) return code - 22;
  return -1;
}

function digit(code: number): number {
  return code >= 48 && code <= 57 ? code - 48 : -1;
}

/**
 * The number of the `size`-unit gram at `at`, in base `radix` by `symbol`; -1 when a unit is not
 * a symbol (such grams are never looked up: queries reaching these tiers are letters or digits).
 */
function gramKey(
  text: string,
  at: number,
  size: number,
  radix: number,
  symbol: (code: number) => number,
): number {
  let key = 0;
  for (let i = at; i < at + size; i++) {
    const value = symbol(text.charCodeAt(i));
    if (value < 0) return -1;
    key = key * radix + value;
  }
  return key;
}

/**
 * Every gram of every text, in two passes: count, then place. A text containing the query
 * contains each of the query's grams, so the rarest gram's row holds every match.
 */
function gramTable(
  texts: readonly string[],
  size: number,
  radix: number,
  symbol: (code: number) => number,
): GramTable {
  const slots = radix ** size;
  const offsets = new Int32Array(slots + 1);
  const last = new Int32Array(slots).fill(-1);
  for (let p = 0; p < texts.length; p++) {
    const text = texts[p]!;
    for (let i = 0; i + size <= text.length; i++) {
      const key = gramKey(text, i, size, radix, symbol);
      if (key < 0 || last[key] === p) continue;
      last[key] = p;
      offsets[key + 1]!++;
    }
  }
  for (let k = 0; k < slots; k++) offsets[k + 1]! += offsets[k]!;
  const positions = new Int32Array(offsets[slots]!);
  const cursor = offsets.slice(0, slots);
  last.fill(-1);
  for (let p = 0; p < texts.length; p++) {
    const text = texts[p]!;
    for (let i = 0; i + size <= text.length; i++) {
      const key = gramKey(text, i, size, radix, symbol);
      if (key < 0 || last[key] === p) continue;
      last[key] = p;
      positions[cursor[key]!++] = p;
    }
  }
  return { size, offsets, positions };
}

export function buildPhonebookIndex(input: readonly PhonebookEntry[]): PhonebookIndex {
  const entries = [...input].sort(compareEntries);
  const pinyins = entries.map((e) => e.pinyin);
  const nationals = entries.map((e) => nationalDigits(e.msisdn));
  const index = {
    entries,
    pinyins,
    names: entries.map((e) => e.name.toLowerCase()),
    nationals,
    nameExact: new Map() as Postings,
    initialsExact: new Map() as Postings,
    departmentExact: new Map() as Postings,
    extensionExact: new Map<string, number>(),
    msisdnExact: new Map<string, number>(),
    namePrefix: new Map() as Postings,
    initialsPrefix: new Map() as Postings,
    extensionPrefix: new Map() as Postings,
    nameChars: new Map<number, number[]>(),
    pinyinPairs: gramTable(pinyins, 2, 36, letter),
    pinyinTriples: gramTable(pinyins, 3, 36, letter),
    msisdnQuads: gramTable(nationals, 4, 10, digit),
  };
  for (let p = 0; p < entries.length; p++) {
    const entry = entries[p]!;
    const name = index.names[p]!;
    const department = (entry.department ?? '').toLowerCase();
    post(index.nameExact, name, p);
    postPrefixes(index.namePrefix, name, p);
    postChars(index.nameChars, name, p);
    if (entry.initials.length > 0) {
      post(index.initialsExact, entry.initials, p);
      postPrefixes(index.initialsPrefix, entry.initials, p);
    }
    if (department.length > 0) {
      post(index.departmentExact, department, p);
    }
    if (!index.msisdnExact.has(nationals[p]!)) index.msisdnExact.set(nationals[p]!, p);
    for (const extension of entry.extensions) {
      index.extensionExact.set(extension, p);
      postPrefixes(index.extensionPrefix, extension, p, EXTENSION_PREFIX_KEY);
    }
  }
  return index;
}

/** First position whose pinyin is not below `key`. */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The row of the query's rarest character: a superset of the entries containing the query. */
function rarestChar(postings: Map<number, number[]>, text: string): ArrayLike<number> {
  let best: readonly number[] | undefined;
  for (let i = 0; i < text.length; i++) {
    const list = postings.get(text.charCodeAt(i));
    if (list === undefined) return NONE;
    if (best === undefined || list.length < best.length) best = list;
  }
  return best ?? NONE;
}

/** The row of the query's rarest gram (the query is all symbols of the table). */
function rarestGram(
  table: GramTable,
  text: string,
  radix: number,
  symbol: (code: number) => number,
): ArrayLike<number> {
  const { size, offsets, positions } = table;
  let from = 0;
  let to = -1;
  for (let i = 0; i + size <= text.length; i++) {
    const key = gramKey(text, i, size, radix, symbol);
    if (key < 0) return NONE;
    const start = offsets[key]!;
    const end = offsets[key + 1]!;
    if (start === end) return NONE;
    if (to < 0 || end - start < to - from) {
      from = start;
      to = end;
    }
  }
  return to < 0 ? NONE : positions.subarray(from, to);
}

/** Every entry whose text starts with the query is on this list (and a few others). */
function prefixPostings(postings: Postings, text: string, key = PREFIX_KEY): readonly number[] {
  return postings.get(text.slice(0, Math.min(key, text.length))) ?? NONE;
}

const PINYIN_QUERY = /^[a-z]+$/;
const NUMBER_QUERY = /^\+?[\d\s-]+$/;

/**
 * The best `limit` entries for `query`, ranked (see `PHONEBOOK_TIERS`). An empty query lists
 * everyone in phonebook order.
 */
export function searchPhonebook(index: PhonebookIndex, query: string, limit: number): PhonebookHit[] {
  const { entries } = index;
  const hits: PhonebookHit[] = [];
  if (limit <= 0) return hits;
  const text = query.trim().toLowerCase();
  if (text === '') {
    for (let p = 0; p < entries.length && p < limit; p++) {
      hits.push({ entry: entries[p]!, matchedBy: null, rank: 0 });
    }
    return hits;
  }

  const taken = new Set<number>();
  /** Adds the entry at `p` unless a better tier has; true once the page is full. */
  const take = (p: number, rank: number): boolean => {
    if (taken.has(p)) return false;
    taken.add(p);
    hits.push({ entry: entries[p]!, matchedBy: PHONEBOOK_TIERS[rank - 1]!.matchedBy, rank });
    return hits.length >= limit;
  };
  /** Adds the positions that pass `accept`, in order; true once the page is full. */
  const collect = (
    positions: ArrayLike<number>,
    rank: number,
    accept?: (position: number) => boolean,
  ): boolean => {
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (taken.has(p) || (accept !== undefined && !accept(p))) continue;
      if (take(p, rank)) return true;
    }
    return false;
  };
  /** Like `collect` over the union of ascending rows, taken in order (a k-way merge). */
  const collectMerged = (rows: Array<readonly number[]>, rank: number): boolean => {
    const heads = new Array<number>(rows.length).fill(0);
    for (;;) {
      let best = -1;
      let position = Number.POSITIVE_INFINITY;
      for (let r = 0; r < rows.length; r++) {
        const p = rows[r]![heads[r]!];
        if (p !== undefined && p < position) {
          best = r;
          position = p;
        }
      }
      if (best < 0) return false;
      heads[best]!++;
      if (take(position, rank)) return true;
    }
  };
  const collectRange = (from: number, to: number, rank: number): boolean => {
    for (let p = from; p < to; p++) if (take(p, rank)) return true;
    return false;
  };

  const spelled = text.replace(/[\s']/g, '');
  const pinyin = PINYIN_QUERY.test(spelled) ? spelled : null;
  const numeric = NUMBER_QUERY.test(text) ? text.replace(/\D/g, '') : '';
  const dialled = /^\d+$/.test(text) ? text : null;
  // A number keyed in international form: compare national digits.
  const national =
    numeric.length > 0 && (text.startsWith('+86') || (numeric.length >= 13 && numeric.startsWith('86')))
      ? numeric.slice(2)
      : numeric;
  const { names, nationals } = index;

  if (collect(index.nameExact.get(text) ?? [], RANK.nameExact)) return hits;
  if (pinyin !== null) {
    const from = lowerBound(index.pinyins, pinyin);
    const exactTo = lowerBound(index.pinyins, `${pinyin}\u0000`);
    if (collectRange(from, exactTo, RANK.pinyinExact)) return hits;
    if (collect(index.initialsExact.get(pinyin) ?? [], RANK.initialsExact)) return hits;
  }
  if (collect(prefixPostings(index.namePrefix, text), RANK.namePrefix, (p) => names[p]!.startsWith(text))) {
    return hits;
  }
  if (pinyin !== null) {
    const from = lowerBound(index.pinyins, pinyin);
    if (collectRange(from, lowerBound(index.pinyins, `${pinyin}\uffff`), RANK.pinyinPrefix)) return hits;
    const initials = prefixPostings(index.initialsPrefix, pinyin);
    if (collect(initials, RANK.initialsPrefix, (p) => entries[p]!.initials.startsWith(pinyin))) return hits;
  }
  if (collect(rarestChar(index.nameChars, text), RANK.nameContains, (p) => names[p]!.includes(text))) {
    return hits;
  }
  if (pinyin !== null && pinyin.length >= MIN_PINYIN_CONTAINS) {
    const table = pinyin.length >= 3 ? index.pinyinTriples : index.pinyinPairs;
    const candidates = rarestGram(table, pinyin, 36, letter);
    if (collect(candidates, RANK.pinyinContains, (p) => entries[p]!.pinyin.includes(pinyin))) return hits;
  }
  if (collect(index.departmentExact.get(text) ?? [], RANK.departmentExact)) return hits;
  // A group has few departments: merge the rows of those whose name contains the query.
  const inDepartments: Array<readonly number[]> = [];
  for (const [department, positions] of index.departmentExact) {
    if (department.includes(text)) inDepartments.push(positions);
  }
  if (collectMerged(inDepartments, RANK.departmentContains)) return hits;
  if (dialled !== null) {
    const holder = index.extensionExact.get(dialled);
    if (holder !== undefined && collect([holder], RANK.extensionExact)) return hits;
  }
  if (national.length > 0) {
    const holder = index.msisdnExact.get(national);
    if (holder !== undefined && collect([holder], RANK.msisdnExact)) return hits;
  }
  if (dialled !== null) {
    const candidates = prefixPostings(index.extensionPrefix, dialled, EXTENSION_PREFIX_KEY);
    const accept = (p: number) => entries[p]!.extensions.some((e) => e.startsWith(dialled));
    if (collect(candidates, RANK.extensionPrefix, accept)) return hits;
  }
  if (national.length >= MIN_MSISDN_CONTAINS) {
    const candidates = rarestGram(index.msisdnQuads, national, 10, digit);
    collect(candidates, RANK.msisdnContains, (p) => nationals[p]!.includes(national));
  }
  return hits;
}
