import { and, asc, eq, gt, gte, inArray, lt, type SQL } from 'drizzle-orm';
import { cdrs } from '../../../db/postgres/schema.js';
import type { CdrRow } from '../call-repo.js';
import type { CdrFilter } from '../cdr-repo.js';
import type { PageRequest } from '../pagination.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';

/** CDRs are written by the call repository (with the call that ends); this reads them. */
export function createPostgresCdrRepo(db: PgExecutor): Repositories['cdrs'] {
  return {
    get: async (id: string): Promise<CdrRow | undefined> =>
      (await db.select().from(cdrs).where(eq(cdrs.id, id)))[0],

    /** Oldest first, by id (creation order); `limit + 1` rows so the caller knows if more follow. */
    list(filter: CdrFilter, page: PageRequest): Promise<CdrRow[]> {
      const where: SQL[] = [];
      if (page.cursor) where.push(gt(cdrs.id, page.cursor));
      if (filter.groupId) where.push(eq(cdrs.groupId, filter.groupId));
      if (filter.fromMs !== undefined) where.push(gte(cdrs.startedAt, filter.fromMs));
      if (filter.toMs !== undefined) where.push(lt(cdrs.startedAt, filter.toMs));
      if (filter.callType) where.push(eq(cdrs.callType, filter.callType));
      // An empty scope (a partner without groups) is `false` here as in SQLite: no rows.
      if (filter.scope) where.push(inArray(cdrs.groupId, [...filter.scope]));
      return db
        .select()
        .from(cdrs)
        .where(and(...where))
        .orderBy(asc(cdrs.id))
        .limit(page.limit + 1);
    },
  };
}
