import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import { auditLog } from '../../../db/postgres/schema.js';
import type { AuditRow } from '../audit-repo.js';
import type { PageRequest } from '../pagination.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';

export function createPostgresAuditRepo(db: PgExecutor): Repositories['audit'] {
  return {
    insert: async (row: AuditRow): Promise<void> => {
      await db.insert(auditLog).values(row);
    },
    /** `limit + 1` entries after the cursor, oldest first; `keyId` narrows to one key's requests. */
    page: (page: PageRequest & { keyId?: string | undefined }): Promise<AuditRow[]> => {
      const where: SQL[] = [];
      if (page.keyId !== undefined) where.push(eq(auditLog.keyId, page.keyId));
      if (page.cursor !== undefined) where.push(gt(auditLog.id, page.cursor));
      return db
        .select()
        .from(auditLog)
        .where(and(...where))
        .orderBy(asc(auditLog.id))
        .limit(page.limit + 1);
    },
  };
}
