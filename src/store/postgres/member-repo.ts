import { and, asc, eq, gt, ilike, like, or, type SQL } from 'drizzle-orm';
import { members, settings } from '../../../db/postgres/schema.js';
import { NAME_KEYS_VERSION, type NameKeys, normaliseQuery } from '../../domain/name-keys.js';
import type { MemberFilter, MemberRow } from '../member-repo.js';
import { likeEscape, type PageRequest } from '../pagination.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';

const NAME_KEYS_SETTING = 'name_keys_version';

/** Group members on PostgreSQL: the twin of src/store/member-repo.ts. */
export function createPostgresMemberRepo(db: PgExecutor): Repositories['members'] {
  const first = async (where: SQL | undefined): Promise<MemberRow | undefined> =>
    (await db.select().from(members).where(where))[0];
  return {
    byId: (id) => first(eq(members.id, id)),
    byMsisdn: (msisdn) => first(eq(members.msisdn, msisdn)),
    // Id order: SQLite answers in insertion order, which ULIDs follow.
    all: () => db.select().from(members).orderBy(asc(members.id)),
    byShortCode: (groupId, shortCode) =>
      first(and(eq(members.groupId, groupId), eq(members.shortCode, shortCode))),

    /**
     * Recomputes every member's search keys when they were made by an older version of
     * `nameKeys` (once, at start, in one transaction); answers how many rows changed.
     */
    async rekeyNames(keysOf: (name: string) => NameKeys): Promise<number> {
      const version = String(NAME_KEYS_VERSION);
      const stored = (await db.select().from(settings).where(eq(settings.key, NAME_KEYS_SETTING)))[0];
      if (stored?.value === version) return 0;
      return db.transaction(async (tx) => {
        let changed = 0;
        const rows = await tx
          .select({
            id: members.id,
            name: members.name,
            namePinyin: members.namePinyin,
            nameInitials: members.nameInitials,
          })
          .from(members);
        for (const row of rows) {
          const keys = keysOf(row.name);
          if (keys.pinyin === row.namePinyin && keys.initials === row.nameInitials) continue;
          await tx
            .update(members)
            .set({ namePinyin: keys.pinyin, nameInitials: keys.initials })
            .where(eq(members.id, row.id));
          changed++;
        }
        await tx
          .insert(settings)
          .values({ key: NAME_KEYS_SETTING, value: version })
          .onConflictDoUpdate({ target: settings.key, set: { value: version } });
        return changed;
      });
    },
    byGroup: (groupId) =>
      db.select().from(members).where(eq(members.groupId, groupId)).orderBy(asc(members.id)),
    list(groupId: string, filter: MemberFilter, page: PageRequest) {
      const where: SQL[] = [eq(members.groupId, groupId)];
      if (page.cursor) where.push(gt(members.id, page.cursor));
      if (filter.department !== undefined) where.push(eq(members.department, filter.department));
      if (filter.q) where.push(matchesQuery(filter.q));
      return db
        .select()
        .from(members)
        .where(and(...where))
        .orderBy(asc(members.id))
        .limit(page.limit + 1);
    },
    async insert(row) {
      await db.insert(members).values(row);
    },
    async update(row) {
      await db.update(members).set(row).where(eq(members.id, row.id));
    },
    async delete(id) {
      await db.delete(members).where(eq(members.id, id));
    },
  };
}

/**
 * Name (hanzi), full pinyin, pinyin initials, short code or number. SQLite's LIKE ignores the
 * case of ASCII letters: ILIKE on text COLLATE "C" folds ASCII letters only, the same. The
 * patterns are escaped with backslashes, PostgreSQL's default LIKE escape.
 */
function matchesQuery(q: string): SQL {
  const text = likeEscape(q.trim());
  const folded = likeEscape(normaliseQuery(q));
  const digits = q.replace(/\D/g, '');
  const clauses: SQL[] = [ilike(members.name, `%${text}%`)];
  // A query of apostrophes and spaces folds to nothing, and an empty pattern matches every key.
  if (folded !== '') {
    clauses.push(ilike(members.namePinyin, `%${folded}%`), ilike(members.nameInitials, `${folded}%`));
  }
  if (digits.length > 0 && /^[+\d\s-]+$/.test(q.trim())) {
    clauses.push(like(members.msisdn, `%${digits}%`), eq(members.shortCode, digits));
  }
  return or(...clauses)!;
}
