import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameKeys } from '../../../../src/domain/name-keys.js';
import {
  buildPhonebookIndex,
  compareEntries,
  MIN_MSISDN_CONTAINS,
  MIN_PINYIN_CONTAINS,
  nationalDigits,
  type PhonebookEntry,
  type PhonebookHit,
  type PhonebookMatch,
  searchPhonebook,
} from '../../../../src/engines/switchboard/phonebook-search.js';

/*
 * The index is an optimisation: whatever the entries and the query, the indexed search must
 * answer exactly what a plain scan of every entry against every tier answers.
 */

// Few characters, so that names, pinyin and departments collide often.
const NAME_CHARS = ['张', '章', '兰', '岚', '王', '明', '李', '丽', '曾', '刘', '洋', '欧', '阳', '单', '小'];
const LATIN_NAMES = ['Alice', 'Alice Wang', 'Li', 'Ann Lee'];
const DEPARTMENTS = ['信息中心', '财务部', '销售部', '销售中心', '总经理办公室', 'IT'];

/** The query's reading, as a user means it (independent of the engine's code). */
function read(query: string) {
  const text = query.trim().toLowerCase();
  const spelled = text.replace(/[\s']/g, '');
  const pinyin = /^[a-z]+$/.test(spelled) ? spelled : null;
  const numeric = /^\+?[\d\s-]+$/.test(text) ? text.replace(/\D/g, '') : '';
  const dialled = /^\d+$/.test(text) ? text : null;
  const national =
    numeric !== '' && (text.startsWith('+86') || (numeric.length >= 13 && numeric.startsWith('86')))
      ? numeric.slice(2)
      : numeric;
  return { text, pinyin, dialled, national };
}

/** Every tier, best first, as a predicate over one entry. */
function tiers(query: string): Array<[PhonebookMatch, (e: PhonebookEntry) => boolean]> {
  const { text, pinyin, dialled, national } = read(query);
  const name = (e: PhonebookEntry) => e.name.toLowerCase();
  const department = (e: PhonebookEntry) => (e.department ?? '').toLowerCase();
  const p = pinyin ?? '\u0000never';
  return [
    ['name', (e) => name(e) === text],
    ['pinyin', (e) => pinyin !== null && e.pinyin === p],
    ['initials', (e) => pinyin !== null && e.initials === p],
    ['name', (e) => name(e).startsWith(text)],
    ['pinyin', (e) => pinyin !== null && e.pinyin.startsWith(p)],
    ['initials', (e) => pinyin !== null && e.initials.startsWith(p)],
    ['name', (e) => name(e).includes(text)],
    ['pinyin', (e) => pinyin !== null && p.length >= MIN_PINYIN_CONTAINS && e.pinyin.includes(p)],
    ['department', (e) => department(e) !== '' && department(e) === text],
    ['department', (e) => department(e).includes(text)],
    ['extension', (e) => dialled !== null && e.extensions.includes(dialled)],
    ['msisdn', (e) => national !== '' && nationalDigits(e.msisdn) === national],
    ['extension', (e) => dialled !== null && e.extensions.some((x) => x.startsWith(dialled))],
    ['msisdn', (e) => national.length >= MIN_MSISDN_CONTAINS && nationalDigits(e.msisdn).includes(national)],
  ];
}

function reference(entries: PhonebookEntry[], query: string, limit: number): PhonebookHit[] {
  const sorted = [...entries].sort(compareEntries);
  if (query.trim() === '') {
    return sorted.slice(0, limit).map((entry) => ({ entry, matchedBy: null, rank: 0 }));
  }
  const ladder = tiers(query);
  const hits: PhonebookHit[] = [];
  for (const entry of sorted) {
    const tier = ladder.findIndex(([, matches]) => matches(entry));
    if (tier >= 0) hits.push({ entry, matchedBy: ladder[tier]![0], rank: tier + 1 });
  }
  hits.sort((a, b) => a.rank - b.rank || compareEntries(a.entry, b.entry));
  return hits.slice(0, limit);
}

const nameArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(fc.constantFrom(...NAME_CHARS), { minLength: 1, maxLength: 3 })
      .map((c) => c.join('')),
  },
  { weight: 1, arbitrary: fc.constantFrom(...LATIN_NAMES) },
);

const phonebookArb: fc.Arbitrary<PhonebookEntry[]> = fc
  .uniqueArray(
    fc.record({
      name: nameArb,
      department: fc.option(fc.constantFrom(...DEPARTMENTS), { nil: null }),
      msisdn: fc.integer({ min: 0, max: 9_999 }).map((n) => `+861380311${String(n).padStart(4, '0')}`),
      extensions: fc.uniqueArray(fc.integer({ min: 10, max: 899 }).map(String), { maxLength: 3 }),
    }),
    { maxLength: 40, selector: (e) => e.msisdn },
  )
  .map((rows) => {
    // Extensions are unique per switchboard: the first holder keeps one.
    const held = new Set<string>();
    return rows.map((row, i) => {
      const keys = nameKeys(row.name);
      const extensions = row.extensions.filter((x) => !held.has(x));
      for (const x of extensions) held.add(x);
      return {
        memberId: `m${String(i).padStart(3, '0')}`,
        name: row.name,
        department: row.department,
        msisdn: row.msisdn,
        shortCode: null,
        status: 'active' as const,
        pinyin: keys.pinyin,
        initials: keys.initials,
        extensions,
      };
    });
  });

/** Queries drawn from the entries themselves (so they hit), dressed up as users type them. */
function queryArb(entries: PhonebookEntry[]): fc.Arbitrary<string> {
  const slice = (text: string) =>
    fc.tuple(fc.nat(text.length), fc.nat(text.length)).map(([a, b]) =>
      Array.from(text)
        .slice(Math.min(a, b), Math.max(a, b) + 1)
        .join(''),
    );
  const fromEntry =
    entries.length === 0
      ? []
      : [
          fc
            .constantFrom(...entries)
            .chain((e) =>
              fc.oneof(
                slice(e.name),
                slice(e.pinyin),
                slice(e.initials),
                slice(e.department ?? '财务'),
                slice(nationalDigits(e.msisdn)),
                fc.constant(e.msisdn),
                fc.constant(e.extensions[0] ?? '12'),
                fc.constant(e.name),
                fc.constant(e.pinyin.toUpperCase()),
              ),
            ),
        ];
  const dress = (q: string) => fc.constantFrom(q, ` ${q} `, q.toUpperCase(), q.split('').join(' '), `${q}'`);
  return fc
    .oneof(
      ...fromEntry,
      fc.constantFrom('', ' ', 'zl', 'zhang', '8', '13', 'x', '部', "xi'an"),
      fc.string({ maxLength: 4 }),
    )
    .chain(dress);
}

const caseArb = phonebookArb.chain((entries) =>
  fc.record({
    entries: fc.constant(entries),
    query: queryArb(entries),
    limit: fc.integer({ min: 1, max: 50 }),
  }),
);

describe('searchPhonebook (properties)', () => {
  it('answers exactly what a scan of every entry against every tier answers', () => {
    fc.assert(
      fc.property(caseArb, ({ entries, query, limit }) => {
        const index = buildPhonebookIndex(entries);
        expect(searchPhonebook(index, query, limit)).toEqual(reference(entries, query, limit));
      }),
      { numRuns: 400 },
    );
  });

  it('every hit really matches the query by its matchedBy, ranks ascend, pinyin then id within a rank', () => {
    fc.assert(
      fc.property(caseArb, ({ entries, query, limit }) => {
        const hits = searchPhonebook(buildPhonebookIndex(entries), query, limit);
        expect(hits.length).toBeLessThanOrEqual(limit);
        expect(new Set(hits.map((h) => h.entry.memberId)).size).toBe(hits.length);
        const { text, pinyin, dialled, national } = read(query);
        for (const { entry, matchedBy } of hits) {
          const matched = {
            name: entry.name.toLowerCase().includes(text),
            pinyin: pinyin !== null && entry.pinyin.includes(pinyin),
            initials: pinyin !== null && entry.initials.startsWith(pinyin),
            department: (entry.department ?? '').toLowerCase().includes(text),
            extension: dialled !== null && entry.extensions.some((x) => x.startsWith(dialled)),
            msisdn: national !== '' && nationalDigits(entry.msisdn).includes(national),
          };
          if (matchedBy === null) expect(text).toBe('');
          else expect(matched[matchedBy], `${entry.name} by ${matchedBy} for ${query}`).toBe(true);
        }
        for (let i = 1; i < hits.length; i++) {
          const [a, b] = [hits[i - 1]!, hits[i]!];
          expect(a.rank <= b.rank).toBe(true);
          if (a.rank === b.rank) expect(compareEntries(a.entry, b.entry)).toBeLessThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an entry whose name is exactly the query comes first', () => {
    fc.assert(
      fc.property(
        phonebookArb.filter((e) => e.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 50 }),
        (entries, pick, limit) => {
          const wanted = entries[pick % entries.length]!;
          const hits = searchPhonebook(buildPhonebookIndex(entries), wanted.name, limit);
          const exact = entries.filter((e) => e.name.toLowerCase() === wanted.name.toLowerCase()).length;
          expect(
            hits.slice(0, Math.min(exact, limit)).every((h) => h.rank === 1 && h.matchedBy === 'name'),
          ).toBe(true);
          if (exact <= limit) expect(hits.map((h) => h.entry.memberId)).toContain(wanted.memberId);
        },
      ),
      { numRuns: 200 },
    );
  });
});
