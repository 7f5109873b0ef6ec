import { and, asc, eq, gt, inArray, ne, or, type SQL, sql } from 'drizzle-orm';
import { callEvents, calls, cdrs } from '../../../db/postgres/schema.js';
import type { Call } from '../../engines/calls/types.js';
import type { CallFilter, CallWrite } from '../call-repo.js';
import { groupBy } from '../group-by.js';
import type { PageRequest } from '../pagination.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';
import { asConcurrentUpdate, concurrentUpdate, type Versioned } from '../versioned.js';

/**
 * Calls on PostgreSQL, as src/store/call-repo.ts keeps them on SQLite: a state row, an
 * append-only event log, the CDR written with the row that ends the call, every write a
 * compare-and-set on the row's version. A write is one transaction (a savepoint inside the
 * store's transaction), so a refused one leaves nothing behind.
 */
export function createPostgresCallRepo(db: PgExecutor): Repositories['calls'] {
  /** The call's row without its log (the log is rows of its own). */
  const columnsOf = (call: Call, nowMs: number) => {
    const { events: _log, ...state } = call;
    return {
      state: call.state,
      callType: call.callType,
      callerGroupId: call.callerGroupId,
      calleeGroupId: call.calleeGroupId,
      switchboardId: call.switchboardId ?? null,
      conferenceId: call.conferenceId ?? null,
      document: state,
      updatedAt: nowMs,
    };
  };

  async function append(executor: PgExecutor, call: Call, from: number): Promise<void> {
    if (from >= call.events.length) return;
    await executor
      .insert(callEvents)
      .values(call.events.slice(from).map((event, i) => ({ callId: call.id, seq: from + i, event })));
  }

  /** Runs `work` in a transaction; a unique row already taken is another writer's doing. */
  async function atomically(id: string, work: (tx: PgExecutor) => Promise<void>): Promise<void> {
    try {
      await db.transaction((tx) => work(tx as unknown as PgExecutor));
    } catch (error) {
      throw asConcurrentUpdate(error, 'call', id);
    }
  }

  /** A call from its row and its log (an appended announcement moves its clock). */
  const hydrate = (document: unknown, log: unknown[]): Call => {
    const call = document as Call;
    call.events = log as Call['events'];
    const last = call.events[call.events.length - 1];
    if (last !== undefined) call.lastAtMs = Math.max(call.lastAtMs, Date.parse(last.at));
    return call;
  };

  async function logsOf(ids: string[]): Promise<Map<string, unknown[]>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .select({ callId: callEvents.callId, event: callEvents.event })
      .from(callEvents)
      .where(inArray(callEvents.callId, ids))
      .orderBy(asc(callEvents.callId), asc(callEvents.seq));
    return groupBy(
      rows,
      (row) => row.callId,
      (row) => row.event,
    );
  }

  return {
    async save({ call, cdr, eventsFrom, version, nowMs }: CallWrite): Promise<void> {
      await atomically(call.id, async (tx) => {
        if (cdr !== null) await tx.insert(cdrs).values(cdr);
        const columns = columnsOf(call, nowMs);
        if (version === 0) {
          await tx.insert(calls).values({ id: call.id, createdAt: call.startedAtMs, version: 1, ...columns });
        } else {
          const updated = await tx
            .update(calls)
            .set({ ...columns, version: sql`${calls.version} + 1` })
            .where(and(eq(calls.id, call.id), eq(calls.version, version)))
            .returning({ id: calls.id });
          if (updated.length === 0) throw concurrentUpdate('call', call.id);
        }
        await append(tx, call, eventsFrom);
      });
    },

    async appendEvents(call: Call, from: number, version: number): Promise<void> {
      await atomically(call.id, async (tx) => {
        const updated = await tx
          .update(calls)
          .set({ version: sql`${calls.version} + 1` })
          .where(and(eq(calls.id, call.id), eq(calls.version, version)))
          .returning({ id: calls.id });
        if (updated.length === 0) throw concurrentUpdate('call', call.id);
        await append(tx, call, from);
      });
    },

    async get(id: string): Promise<Versioned<Call> | undefined> {
      const [row] = await db
        .select({ document: calls.document, version: calls.version })
        .from(calls)
        .where(eq(calls.id, id));
      if (row === undefined) return undefined;
      const logs = await logsOf([id]);
      return { value: hydrate(row.document, logs.get(id) ?? []), version: row.version };
    },

    async unfinished(): Promise<Versioned<Call>[]> {
      const rows = await db
        .select({ id: calls.id, document: calls.document, version: calls.version })
        .from(calls)
        .where(ne(calls.state, 'ended'))
        .orderBy(asc(calls.id));
      // Joined rather than listed by id: thousands of calls may be in progress at a restart.
      const events = await db
        .select({ callId: callEvents.callId, event: callEvents.event })
        .from(callEvents)
        .innerJoin(calls, eq(calls.id, callEvents.callId))
        .where(ne(calls.state, 'ended'))
        .orderBy(asc(callEvents.callId), asc(callEvents.seq));
      const logs = groupBy(
        events,
        (row) => row.callId,
        (row) => row.event,
      );
      return rows.map((row) => ({
        value: hydrate(row.document, logs.get(row.id) ?? []),
        version: row.version,
      }));
    },

    async list(filter: CallFilter, page: PageRequest): Promise<Call[]> {
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
      const rows = await db
        .select({ id: calls.id, document: calls.document })
        .from(calls)
        .where(and(...where))
        .orderBy(asc(calls.id))
        .limit(page.limit + 1);
      const logs = await logsOf(rows.map((row) => row.id));
      return rows.map((row) => hydrate(row.document, logs.get(row.id) ?? []));
    },
  };
}
