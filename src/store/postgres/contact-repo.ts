import { and, asc, eq, gt, ilike, or, type SQL } from 'drizzle-orm';
import { contacts } from '../../../db/postgres/schema.js';
import type { BookOwner, ContactRow } from '../contact-repo.js';
import { likeEscape, type PageRequest } from '../pagination.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';

const ownedBy = (owner: BookOwner): SQL =>
  'groupId' in owner ? eq(contacts.groupId, owner.groupId) : eq(contacts.ownerMsisdn, owner.ownerMsisdn);

/** Address-book entries on PostgreSQL: the twin of src/store/contact-repo.ts. */
export function createPostgresContactRepo(db: PgExecutor): Repositories['contacts'] {
  const first = async (where: SQL | undefined): Promise<ContactRow | undefined> =>
    (await db.select().from(contacts).where(where))[0];
  return {
    get: (owner, id) => first(and(ownedBy(owner), eq(contacts.id, id))),
    byMsisdn: (owner, msisdn) => first(and(ownedBy(owner), eq(contacts.msisdn, msisdn))),

    /**
     * Creation order; `q` matches the name or the number. ILIKE on text COLLATE "C" ignores the
     * case of ASCII letters only, as SQLite's LIKE does; backslash is PostgreSQL's default LIKE
     * escape, the one `likeEscape` writes.
     */
    list(owner: BookOwner, q: string | undefined, page: PageRequest) {
      const where: SQL[] = [ownedBy(owner)];
      if (page.cursor) where.push(gt(contacts.id, page.cursor));
      if (q) {
        const text = `%${likeEscape(q.trim())}%`;
        where.push(or(ilike(contacts.name, text), ilike(contacts.msisdn, text))!);
      }
      return db
        .select()
        .from(contacts)
        .where(and(...where))
        .orderBy(asc(contacts.id))
        .limit(page.limit + 1);
    },

    async insert(row) {
      await db.insert(contacts).values(row);
    },
    async update(row) {
      await db.update(contacts).set(row).where(eq(contacts.id, row.id));
    },
    async delete(id) {
      await db.delete(contacts).where(eq(contacts.id, id));
    },
  };
}
