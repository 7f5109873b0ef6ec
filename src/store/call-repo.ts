import { and, asc, eq, gt, inArray, ne, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { calls, cdrs } from '../../db/schema.js';
import type { Call, CallState } from '../engines/calls/types.js';
import type { PageRequest } from './pagination.js';

export type CdrRow = typeof cdrs.$inferSelect;

export interface CallFilter {
  state?: CallState | undefined;
  /** Calls whose caller or called party is in this group. */
  groupId?: string | undefined;
  /** A partner's groups; null for the admin. */
  scope: ReadonlySet<string> | null;
}

/**
 * Calls as documents: one row per call, rewritten on every acknowledged action, so a restart
 * (graceful or not) resumes each call from its last acknowledged state. The row that ends a
 * call and its CDR are written in one transaction.
 */
export function createCallRepo(db: Db) {
  const upsert = (call: Call, nowMs: number) => {
    const row = {
      id: call.id,
      state: call.state,
      callType: call.callType,
      callerGroupId: call.callerGroupId,
      calleeGroupId: call.calleeGroupId,
      switchboardId: call.switchboardId ?? null,
      conferenceId: call.conferenceId ?? null,
      document: call,
      createdAt: call.startedAtMs,
      updatedAt: nowMs,
    };
    db.insert(calls)
      .values(row)
      .onConflictDoUpdate({
        target: calls.id,
        set: {
          state: row.state,
          callType: row.callType,
          callerGroupId: row.callerGroupId,
          calleeGroupId: row.calleeGroupId,
          switchboardId: row.switchboardId,
          conferenceId: row.conferenceId,
          document: row.document,
          updatedAt: nowMs,
        },
      })
      .run();
  };
  const save = db.$client.transaction((call: Call, cdr: CdrRow | null, nowMs: number) => {
    if (cdr !== null) db.insert(cdrs).values(cdr).run();
    upsert(call, nowMs);
  });

  return {
    /** The call, and its CDR when this write ends it, in one transaction. */
    save: (call: Call, cdr: CdrRow | null, nowMs: number) => save(call, cdr, nowMs),

    get(id: string): Call | undefined {
      const row = db.select({ document: calls.document }).from(calls).where(eq(calls.id, id)).get();
      return row?.document as Call | undefined;
    },

    /** Calls not yet ended: loaded into memory at start. */
    unfinished(): Call[] {
      return db
        .select({ document: calls.document })
        .from(calls)
        .where(ne(calls.state, 'ended'))
        .orderBy(asc(calls.id))
        .all()
        .map((row) => row.document as Call);
    },

    /** Oldest first (ids are creation-ordered). */
    list(filter: CallFilter, page: PageRequest): Call[] {
      const where: (SQL | undefined)[] = [];
      if (page.cursor) where.push(gt(calls.id, page.cursor));
      if (filter.state) where.push(eq(calls.state, filter.state));
      if (filter.groupId) {
        where.push(or(eq(calls.callerGroupId, filter.groupId), eq(calls.calleeGroupId, filter.groupId)));
      }
      if (filter.scope) {
        const groups = [...filter.scope];
        where.push(or(inArray(calls.callerGroupId, groups), inArray(calls.calleeGroupId, groups)));
      }
      return db
        .select({ document: calls.document })
        .from(calls)
        .where(and(...where))
        .orderBy(asc(calls.id))
        .limit(page.limit + 1)
        .all()
        .map((row) => row.document as Call);
    },
  };
}

export type CallRepo = ReturnType<typeof createCallRepo>;
