import { and, asc, eq, gt, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { cdrs } from '../../db/sqlite/schema.js';
import type { CdrRow } from './call-repo.js';
import type { PageRequest } from './pagination.js';

export interface CdrFilter {
  groupId?: string | undefined;
  /** Calls started at or after (epoch ms). */
  fromMs?: number | undefined;
  /** Calls started before (epoch ms). */
  toMs?: number | undefined;
  callType?: string | undefined;
  /** A partner's groups; null for the admin. */
  scope: ReadonlySet<string> | null;
}

/** CDRs are written by the call repository (with the call that ends); this reads them. */
export function createCdrRepo(db: Db) {
  return {
    get: (id: string): CdrRow | undefined => db.select().from(cdrs).where(eq(cdrs.id, id)).get(),

    /** Oldest first, by id (creation order); `limit + 1` rows so the caller knows if more follow. */
    list(filter: CdrFilter, page: PageRequest): CdrRow[] {
      const where: SQL[] = [];
      if (page.cursor) where.push(gt(cdrs.id, page.cursor));
      if (filter.groupId) where.push(eq(cdrs.groupId, filter.groupId));
      if (filter.fromMs !== undefined) where.push(gte(cdrs.startedAt, filter.fromMs));
      if (filter.toMs !== undefined) where.push(lt(cdrs.startedAt, filter.toMs));
      if (filter.callType) where.push(eq(cdrs.callType, filter.callType));
      if (filter.scope) where.push(inArray(cdrs.groupId, [...filter.scope]));
      return db
        .select()
        .from(cdrs)
        .where(and(...where))
        .orderBy(asc(cdrs.id))
        .limit(page.limit + 1)
        .all();
    },
  };
}

export type CdrRepo = ReturnType<typeof createCdrRepo>;
