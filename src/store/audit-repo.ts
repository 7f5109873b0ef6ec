import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { auditLog } from '../../db/sqlite/schema.js';
import type { PageRequest } from './pagination.js';

export type AuditRow = typeof auditLog.$inferSelect;

export function createAuditRepo(db: Db) {
  // Prepared once: every write request adds a row.
  const insert = db.$client.prepare(
    'INSERT INTO audit_log (id, at, key_id, method, path, status, resource) VALUES (@id, @at, @keyId, @method, @path, @status, @resource)',
  );
  return {
    insert: (row: AuditRow): void => {
      insert.run(row);
    },
    /** `limit + 1` entries after the cursor, oldest first; `keyId` narrows to one key's requests. */
    page: (page: PageRequest & { keyId?: string | undefined }): AuditRow[] => {
      const where: SQL[] = [];
      if (page.keyId !== undefined) where.push(eq(auditLog.keyId, page.keyId));
      if (page.cursor !== undefined) where.push(gt(auditLog.id, page.cursor));
      return db
        .select()
        .from(auditLog)
        .where(and(...where))
        .orderBy(asc(auditLog.id))
        .limit(page.limit + 1)
        .all();
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
