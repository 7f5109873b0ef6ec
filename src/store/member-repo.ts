import { and, asc, eq, gt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { members, settings } from '../../db/sqlite/schema.js';
import { NAME_KEYS_VERSION, type NameKeys, normaliseQuery } from '../domain/name-keys.js';
import { likeEscape, type PageRequest } from './pagination.js';

export type MemberRow = typeof members.$inferSelect;

export interface MemberFilter {
  q?: string | undefined;
  department?: string | undefined;
}

export function createMemberRepo(db: Db) {
  const byId = db
    .select()
    .from(members)
    .where(eq(members.id, sql.placeholder('id')))
    .prepare();
  const byMsisdn = db
    .select()
    .from(members)
    .where(eq(members.msisdn, sql.placeholder('msisdn')))
    .prepare();
  return {
    byId: (id: string): MemberRow | undefined => byId.get({ id }),
    byMsisdn: (msisdn: string): MemberRow | undefined => byMsisdn.get({ msisdn }),
    all: (): MemberRow[] => db.select().from(members).all(),
    /** The member of the group holding the short code, if any. */
    byShortCode: (groupId: string, shortCode: string): MemberRow | undefined =>
      db
        .select()
        .from(members)
        .where(and(eq(members.groupId, groupId), eq(members.shortCode, shortCode)))
        .get(),

    /**
     * Recomputes every member's search keys when they were made by an older version of
     * `nameKeys` (once, at start, in one transaction); answers how many rows changed.
     */
    rekeyNames(keysOf: (name: string) => NameKeys): number {
      const key = 'name_keys_version';
      const stored = db.select().from(settings).where(eq(settings.key, key)).get();
      if (stored?.value === String(NAME_KEYS_VERSION)) return 0;
      let changed = 0;
      db.transaction((tx) => {
        for (const row of tx
          .select({
            id: members.id,
            name: members.name,
            namePinyin: members.namePinyin,
            nameInitials: members.nameInitials,
          })
          .from(members)
          .all()) {
          const keys = keysOf(row.name);
          if (keys.pinyin === row.namePinyin && keys.initials === row.nameInitials) continue;
          tx.update(members)
            .set({ namePinyin: keys.pinyin, nameInitials: keys.initials })
            .where(eq(members.id, row.id))
            .run();
          changed++;
        }
        tx.insert(settings)
          .values({ key, value: String(NAME_KEYS_VERSION) })
          .onConflictDoUpdate({ target: settings.key, set: { value: String(NAME_KEYS_VERSION) } })
          .run();
      });
      return changed;
    },
    byGroup: (groupId: string): MemberRow[] =>
      db.select().from(members).where(eq(members.groupId, groupId)).all(),
    list(groupId: string, filter: MemberFilter, page: PageRequest): MemberRow[] {
      const where: SQL[] = [eq(members.groupId, groupId)];
      if (page.cursor) where.push(gt(members.id, page.cursor));
      if (filter.department !== undefined) where.push(eq(members.department, filter.department));
      if (filter.q) where.push(matchesQuery(filter.q));
      return db
        .select()
        .from(members)
        .where(and(...where))
        .orderBy(asc(members.id))
        .limit(page.limit + 1)
        .all();
    },
    insert(row: MemberRow): void {
      db.insert(members).values(row).run();
    },
    update(row: MemberRow): void {
      db.update(members).set(row).where(eq(members.id, row.id)).run();
    },
    delete(id: string): void {
      db.delete(members).where(eq(members.id, id)).run();
    },
  };
}

/** Name (hanzi), full pinyin, pinyin initials, short code or number. */
function matchesQuery(q: string): SQL {
  const text = likeEscape(q.trim());
  const folded = likeEscape(normaliseQuery(q));
  const digits = q.replace(/\D/g, '');
  const clauses: SQL[] = [sql`${members.name} LIKE ${`%${text}%`} ESCAPE '\\'`];
  // A query of apostrophes and spaces folds to nothing, and an empty pattern matches every key.
  if (folded !== '') {
    clauses.push(
      sql`${members.namePinyin} LIKE ${`%${folded}%`} ESCAPE '\\'`,
      sql`${members.nameInitials} LIKE ${`${folded}%`} ESCAPE '\\'`,
    );
  }
  if (digits.length > 0 && /^[+\d\s-]+$/.test(q.trim())) {
    clauses.push(sql`${members.msisdn} LIKE ${`%${digits}%`}`, eq(members.shortCode, digits));
  }
  return or(...clauses)!;
}

export type MemberRepo = ReturnType<typeof createMemberRepo>;
