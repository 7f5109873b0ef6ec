import { and, asc, eq, gt, inArray, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import { callEvents, calls, cdrs } from '../../db/sqlite/schema.js';
import type { Call, CallState } from '../engines/calls/types.js';
import { groupBy } from './group-by.js';
import type { PageRequest } from './pagination.js';
import { asConcurrentUpdate, concurrentUpdate, type Versioned } from './versioned.js';

export type CdrRow = typeof cdrs.$inferSelect;

/** One write of a call: its new state, the events it added, and its CDR when it ends it. */
export interface CallWrite {
  call: Call;
  /** The CDR, written once, with the write that ends the call. */
  cdr: CdrRow | null;
  /** The call's events from this index on are new (those before are stored). */
  eventsFrom: number;
  /** The version the write was computed from: 0 for a new call. */
  version: number;
  nowMs: number;
}

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
 * in one transaction. Every write is a compare-and-set on the row's version (versioned.ts).
 */
export function createCallRepo(db: Db) {
  const client = db.$client;
  // Prepared statements: these are the calls' hot writes (drizzle's query builder costs
  // several times more per statement here).
  const insertCall = client.prepare(
    `INSERT INTO calls (state, call_type, caller_group_id, callee_group_id, switchboard_id, conference_id,
       document, updated_at, id, created_at, version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const updateCall = client.prepare(
    `UPDATE calls SET state = ?, call_type = ?, caller_group_id = ?, callee_group_id = ?, switchboard_id = ?,
       conference_id = ?, document = ?, updated_at = ?, version = version + 1
     WHERE id = ? AND version = ?`,
  );
  const bumpVersion = client.prepare('UPDATE calls SET version = version + 1 WHERE id = ? AND version = ?');
  const insertEvent = client.prepare('INSERT INTO call_events (call_id, seq, event) VALUES (?, ?, ?)');
  const selectCall = client.prepare('SELECT document, version FROM calls WHERE id = ?');
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
  const save = client.transaction(({ call, cdr, eventsFrom, version, nowMs }: CallWrite) => {
    if (cdr !== null) db.insert(cdrs).values(cdr).run();
    const { events: _log, ...state } = call;
    const columns = [
      call.state,
      call.callType,
      call.callerGroupId,
      call.calleeGroupId,
      call.switchboardId ?? null,
      call.conferenceId ?? null,
      JSON.stringify(state),
      nowMs,
    ];
    if (version === 0) insertCall.run(...columns, call.id, call.startedAtMs);
    else if (updateCall.run(...columns, call.id, version).changes === 0)
      throw concurrentUpdate('call', call.id);
    append(call, eventsFrom);
  });
  const appendEvents = client.transaction((call: Call, from: number, version: number) => {
    if (bumpVersion.run(call.id, version).changes === 0) throw concurrentUpdate('call', call.id);
    append(call, from);
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
     * The call (inserted when `version` is 0), its new events and its CDR when this write ends
     * it, in one transaction; refused whole (409 `concurrent_update`) when the row is no longer
     * at `version`, the events' positions are taken, or the call has its CDR already.
     */
    save(write: CallWrite): void {
      try {
        save(write);
      } catch (error) {
        throw asConcurrentUpdate(error, 'call', write.call.id);
      }
    },

    /** Appends the call's events from index `from` on; its row only moves to the next version. */
    appendEvents(call: Call, from: number, version: number): void {
      try {
        appendEvents(call, from, version);
      } catch (error) {
        throw asConcurrentUpdate(error, 'call', call.id);
      }
    },

    get(id: string): Versioned<Call> | undefined {
      const row = selectCall.get(id) as { document: string; version: number } | undefined;
      if (row === undefined) return undefined;
      return { value: hydrate(row.document, selectEvents.all(id) as string[]), version: row.version };
    },

    /** Calls not yet ended: loaded into memory at start. */
    unfinished(): Versioned<Call>[] {
      const logs = groupBy(
        selectUnfinishedEvents.iterate() as Iterable<{ callId: string; event: string }>,
        (row) => row.callId,
        (row) => row.event,
      );
      return db
        .select({ id: calls.id, document: calls.document, version: calls.version })
        .from(calls)
        .where(ne(calls.state, 'ended'))
        .orderBy(asc(calls.id))
        .all()
        .map((row) => ({ value: hydrate(row.document, logs.get(row.id) ?? []), version: row.version }));
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
