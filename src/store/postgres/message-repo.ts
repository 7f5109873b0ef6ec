import { and, asc, desc, eq, exists, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import { messageRecipients, messages } from '../../../db/postgres/schema.js';
import type { MessageFilter, MessageRow, RecipientRow } from '../message-repo.js';
import type { PageRequest } from '../pagination.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';

export function createPostgresMessageRepo(db: PgExecutor): Repositories['messages'] {
  /** Whether the message has a recipient matching `condition` (a correlated subquery). */
  const hasRecipient = (condition: SQL) =>
    exists(
      db
        .select({ one: sql`1` })
        .from(messageRecipients)
        .where(and(eq(messageRecipients.messageId, messages.id), condition)),
    );
  return {
    /** A message and its recipients in one transaction (a savepoint inside the caller's). */
    insert: (row: MessageRow, recipients: RecipientRow[]): Promise<void> =>
      db.transaction(async (tx) => {
        await tx.insert(messages).values(row);
        if (recipients.length > 0) await tx.insert(messageRecipients).values(recipients);
      }),

    /** Newest first. */
    list(filter: MessageFilter, page: PageRequest): Promise<MessageRow[]> {
      const where: SQL[] = [];
      if (page.cursor) where.push(lt(messages.id, page.cursor));
      if (filter.from) where.push(eq(messages.fromNumber, filter.from));
      if (filter.to) where.push(hasRecipient(eq(messageRecipients.msisdn, filter.to)));
      if (filter.scope) {
        // An empty scope (a partner without groups) is `false` on both sides: no rows, as in SQLite.
        const groups = [...filter.scope];
        where.push(
          or(inArray(messages.groupId, groups), hasRecipient(inArray(messageRecipients.groupId, groups)))!,
        );
      }
      return db
        .select()
        .from(messages)
        .where(and(...where))
        .orderBy(desc(messages.id))
        .limit(page.limit + 1);
    },

    /** By message, then number, as on SQLite (the primary key, which serves the read). */
    async recipientsOf(messageIds: string[]): Promise<RecipientRow[]> {
      if (messageIds.length === 0) return [];
      return db
        .select()
        .from(messageRecipients)
        .where(inArray(messageRecipients.messageId, messageIds))
        .orderBy(asc(messageRecipients.messageId), asc(messageRecipients.msisdn));
    },
  };
}
