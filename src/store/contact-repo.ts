import { and, asc, eq, gt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { contacts } from '../../db/sqlite/schema.js';
import { likeEscape, type PageRequest } from './pagination.js';

export type ContactRow = typeof contacts.$inferSelect;

/** Whose book: a group's shared one, or a person's own. */
export type BookOwner = { groupId: string } | { ownerMsisdn: string };

const ownedBy = (owner: BookOwner): SQL =>
  'groupId' in owner ? eq(contacts.groupId, owner.groupId) : eq(contacts.ownerMsisdn, owner.ownerMsisdn);

/** Address-book entries outside the members (通讯录): a group's shared contacts and personal ones. */
export function createContactRepo(db: Db) {
  return {
    get(owner: BookOwner, id: string): ContactRow | undefined {
      return db
        .select()
        .from(contacts)
        .where(and(ownedBy(owner), eq(contacts.id, id)))
        .get();
    },

    byMsisdn(owner: BookOwner, msisdn: string): ContactRow | undefined {
      return db
        .select()
        .from(contacts)
        .where(and(ownedBy(owner), eq(contacts.msisdn, msisdn)))
        .get();
    },

    /** Creation order; `q` matches the name or the number. */
    list(owner: BookOwner, q: string | undefined, page: PageRequest): ContactRow[] {
      const where: SQL[] = [ownedBy(owner)];
      if (page.cursor) where.push(gt(contacts.id, page.cursor));
      if (q) {
        const text = `%${likeEscape(q.trim())}%`;
        where.push(
          or(
            sql`${contacts.name} LIKE ${text} ESCAPE '\\'`,
            sql`${contacts.msisdn} LIKE ${text} ESCAPE '\\'`,
          )!,
        );
      }
      return db
        .select()
        .from(contacts)
        .where(and(...where))
        .orderBy(asc(contacts.id))
        .limit(page.limit + 1)
        .all();
    },

    insert(row: ContactRow): void {
      db.insert(contacts).values(row).run();
    },
    update(row: ContactRow): void {
      db.update(contacts).set(row).where(eq(contacts.id, row.id)).run();
    },
    delete(id: string): void {
      db.delete(contacts).where(eq(contacts.id, id)).run();
    },
  };
}

export type ContactRepo = ReturnType<typeof createContactRepo>;
