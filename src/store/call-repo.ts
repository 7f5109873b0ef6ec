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
  // A prepared upsert: every acknowledged action rewrites its call, so this is the calls' hot
  // write (drizzle's query builder costs several times more per statement here).
  const upsertCall = db.$client.prepare(
    `INSERT INTO calls (id, state, call_type, caller_group_id, callee_group_id, switchboard_id, conference_id,
       document, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, call_type = excluded.call_type,
       caller_group_id = excluded.caller_group_id, callee_group_id = excluded.callee_group_id,
       switchboard_id = excluded.switchboard_id, conference_id = excluded.conference_id,
       document = excluded.document, updated_at = excluded.updated_at`,
  );
  const upsert = (call: Call, nowMs: number) => {
    upsertCall.run(
      call.id,
      call.state,
      call.callType,
      call.callerGroupId,
      call.calleeGroupId,
      call.switchboardId ?? null,
      call.conferenceId ?? null,
      JSON.stringify(call),
      call.startedAtMs,
      nowMs,
    );
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
