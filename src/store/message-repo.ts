import { and, asc, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { messageRecipients, messages } from '../../db/sqlite/schema.js';
import type { PageRequest } from './pagination.js';

export type MessageRow = typeof messages.$inferSelect;
export type RecipientRow = typeof messageRecipients.$inferSelect;

export interface MessageFilter {
  to?: string | undefined;
  from?: string | undefined;
  /** A partner's groups; null for the admin. */
  scope: ReadonlySet<string> | null;
}

export function createMessageRepo(db: Db) {
  // Prepared statements: every SMS writes here (drizzle's builder costs more per statement).
  const insertMessage = db.$client.prepare(
    `INSERT INTO messages (id, from_number, to_dialled, text, at, sender_display, group_id, kind)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertRecipient = db.$client.prepare(
    'INSERT INTO message_recipients (message_id, msisdn, member_id, group_id) VALUES (?, ?, ?, ?)',
  );
  const insert = db.$client.transaction((row: MessageRow, recipients: RecipientRow[]) => {
    insertMessage.run(
      row.id,
      row.fromNumber,
      row.toDialled,
      row.text,
      row.at,
      row.senderDisplay,
      row.groupId,
      row.kind,
    );
    for (const r of recipients) insertRecipient.run(r.messageId, r.msisdn, r.memberId, r.groupId);
  });
  return {
    /** A message and its recipients in one transaction. */
    insert: (row: MessageRow, recipients: RecipientRow[]) => insert(row, recipients),

    /** Newest first. */
    list(filter: MessageFilter, page: PageRequest): MessageRow[] {
      const where: SQL[] = [];
      if (page.cursor) where.push(lt(messages.id, page.cursor));
      if (filter.from) where.push(eq(messages.fromNumber, filter.from));
      if (filter.to) {
        where.push(
          sql`EXISTS (SELECT 1 FROM ${messageRecipients} r WHERE r.message_id = ${messages.id} AND r.msisdn = ${filter.to})`,
        );
      }
      if (filter.scope) {
        const groups = [...filter.scope];
        where.push(
          or(
            inArray(messages.groupId, groups),
            sql`EXISTS (SELECT 1 FROM ${messageRecipients} r WHERE r.message_id = ${messages.id} AND r.group_id IN ${groups})`,
          )!,
        );
      }
      return db
        .select()
        .from(messages)
        .where(and(...where))
        .orderBy(desc(messages.id))
        .limit(page.limit + 1)
        .all();
    },

    /** By message, then number (the primary key's order: no sort), the same on every backend. */
    recipientsOf(messageIds: string[]): RecipientRow[] {
      if (messageIds.length === 0) return [];
      return db
        .select()
        .from(messageRecipients)
        .where(inArray(messageRecipients.messageId, messageIds))
        .orderBy(asc(messageRecipients.messageId), asc(messageRecipients.msisdn))
        .all();
    },
  };
}

export type MessageRepo = ReturnType<typeof createMessageRepo>;
