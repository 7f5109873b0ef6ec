import { and, asc, eq, gt, inArray, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { callEvents, calls, cdrs } from '../../db/sqlite/schema.js';
import type { Call, CallState } from '../engines/calls/types.js';
import { groupBy } from './group-by.js';
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
 * Calls as a state row plus an append-only event log. Each acknowledged action rewrites the
 * call's row (its state, without the log) and appends only the events it added; an
 * announcement on a leg (`appendEvents`) is a single row. A restart (graceful or not) resumes
 * each call from its last acknowledged state. The row that ends a call and its CDR are written
 * in one transaction.
 */
export function createCallRepo(db: Db) {
  const client = db.$client;
  // Prepared statements: these are the calls' hot writes (drizzle's query builder costs
  // several times more per statement here).
  const upsertCall = client.prepare(
    `INSERT INTO calls (id, state, call_type, caller_group_id, callee_group_id, switchboard_id, conference_id,
       document, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, call_type = excluded.call_type,
       caller_group_id = excluded.caller_group_id, callee_group_id = excluded.callee_group_id,
       switchboard_id = excluded.switchboard_id, conference_id = excluded.conference_id,
       document = excluded.document, updated_at = excluded.updated_at`,
  );
  const insertEvent = client.prepare('INSERT INTO call_events (call_id, seq, event) VALUES (?, ?, ?)');
  const selectCall = client.prepare('SELECT document FROM calls WHERE id = ?').pluck();
  const selectEvents = client.prepare('SELECT event FROM call_events WHERE call_id = ? ORDER BY seq').pluck();
  const selectUnfinishedEvents = client.prepare(
    `SELECT e.call_id AS callId, e.event FROM call_events e JOIN calls c ON c.id = e.call_id
     WHERE c.state <> 'ended' ORDER BY e.call_id, e.seq`,
  );

  const append = (call: Call, from: number) => {
    const events = call.events;
    for (let seq = from; seq < events.length; seq++) {
      insertEvent.run(call.id, seq, JSON.stringify(events[seq]));
    }
  };
  const save = client.transaction((call: Call, cdr: CdrRow | null, eventsWritten: number, nowMs: number) => {
    if (cdr !== null) db.insert(cdrs).values(cdr).run();
    const { events: _log, ...state } = call;
    upsertCall.run(
      call.id,
      call.state,
      call.callType,
      call.callerGroupId,
      call.calleeGroupId,
      call.switchboardId ?? null,
      call.conferenceId ?? null,
      JSON.stringify(state),
      call.startedAtMs,
      nowMs,
    );
    append(call, eventsWritten);
  });

  /** A call from its row and its log. */
  const hydrate = (document: unknown, log: string[]): Call => {
    const call = (typeof document === 'string' ? JSON.parse(document) : document) as Call;
    call.events = log.map((event) => JSON.parse(event));
    // An appended announcement moves the call's clock without rewriting its row.
    const last = call.events[call.events.length - 1];
    if (last !== undefined) call.lastAtMs = Math.max(call.lastAtMs, Date.parse(last.at));
    return call;
  };
  const withLogs = (documents: { id: string; document: unknown }[]): Call[] => {
    if (documents.length === 0) return [];
    const logs = groupBy(
      db
        .select({ callId: callEvents.callId, event: sql<string>`${callEvents.event}` })
        .from(callEvents)
        .where(
          inArray(
            callEvents.callId,
            documents.map((d) => d.id),
          ),
        )
        .orderBy(asc(callEvents.callId), asc(callEvents.seq))
        .all(),
      (row) => row.callId,
      (row) => row.event,
    );
    return documents.map((d) => hydrate(d.document, logs.get(d.id) ?? []));
  };

  return {
    /**
     * The call, its events from index `eventsWritten` on (those before are already stored), and
     * its CDR when this write ends it, in one transaction.
     */
    save: (call: Call, cdr: CdrRow | null, eventsWritten: number, nowMs: number) =>
      save(call, cdr, eventsWritten, nowMs),

    /** Appends the call's events from index `from` on, leaving its row as it is. */
    appendEvents: (call: Call, from: number) => append(call, from),

    get(id: string): Call | undefined {
      const document = selectCall.get(id) as string | undefined;
      return document === undefined ? undefined : hydrate(document, selectEvents.all(id) as string[]);
    },

    /** Calls not yet ended: loaded into memory at start. */
    unfinished(): Call[] {
      const logs = groupBy(
        selectUnfinishedEvents.iterate() as Iterable<{ callId: string; event: string }>,
        (row) => row.callId,
        (row) => row.event,
      );
      return db
        .select({ id: calls.id, document: calls.document })
        .from(calls)
        .where(ne(calls.state, 'ended'))
        .orderBy(asc(calls.id))
        .all()
        .map((row) => hydrate(row.document, logs.get(row.id) ?? []));
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
      return withLogs(
        db
          .select({ id: calls.id, document: calls.document })
          .from(calls)
          .where(and(...where))
          .orderBy(asc(calls.id))
          .limit(page.limit + 1)
          .all(),
      );
    },
  };
}

export type CallRepo = ReturnType<typeof createCallRepo>;
