import { and, asc, eq, gt, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { conferenceEvents, conferenceGroups, conferences } from '../../db/schema.js';
import type { Conference, ConferenceEvent, ConferenceState } from '../engines/conference/types.js';
import type { PageRequest } from './pagination.js';

export interface ConferenceFilter {
  state?: ConferenceState | undefined;
  /** Conferences involving this group (its own or a participant's). */
  groupId?: string | undefined;
  /** A partner's groups; null for the admin. */
  scope: ReadonlySet<string> | null;
}

export interface ConferenceUsage {
  conferences: number;
  participantMinutes: number;
  chargeFen: number;
}

/**
 * Conferences as documents: one row per conference, rewritten on every acknowledged change,
 * with its new events and any newly involved group in the same transaction, so a restart
 * (graceful or not) resumes each room from its last acknowledged state. The writes are
 * prepared statements: control actions write on every request.
 */
export function createConferenceRepo(db: Db) {
  const client = db.$client;
  const upsert = client.prepare(
    `INSERT INTO conferences (id, group_id, state, pin, host_msisdn, start_at, ended_at, participant_minutes, charge_fen, document, created_at, updated_at)
     VALUES (@id, @groupId, @state, @pin, @hostMsisdn, @startAt, @endedAt, @participantMinutes, @chargeFen, @document, @createdAt, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, pin = excluded.pin, start_at = excluded.start_at,
       ended_at = excluded.ended_at, participant_minutes = excluded.participant_minutes,
       charge_fen = excluded.charge_fen, document = excluded.document, updated_at = excluded.updated_at`,
  );
  const insertEvent = client.prepare(
    'INSERT INTO conference_events (conference_id, seq, event) VALUES (?, ?, ?)',
  );
  const insertGroup = client.prepare(
    'INSERT OR IGNORE INTO conference_groups (conference_id, group_id) VALUES (?, ?)',
  );
  // A control action changes only the document: rewriting the indexed columns too would cost
  // their index updates on every mute. What was last written of them is remembered per room.
  const updateDocument = client.prepare('UPDATE conferences SET document = ?, updated_at = ? WHERE id = ?');
  const selectOne = client.prepare('SELECT document FROM conferences WHERE id = ?').pluck();
  const written = new Map<string, string>();
  const columnsOf = (c: Conference) =>
    `${c.state}|${c.pin}|${c.startAtMs}|${c.endedAtMs}|${c.participantMinutes}|${c.chargeFen}`;

  const save = client.transaction(
    (conference: Conference, events: ConferenceEvent[], newGroups: string[], nowMs: number) => {
      const document = JSON.stringify(conference);
      const columns = columnsOf(conference);
      if (written.get(conference.id) === columns) {
        updateDocument.run(document, nowMs, conference.id);
      } else {
        upsert.run({
          id: conference.id,
          groupId: conference.groupId,
          state: conference.state,
          pin: conference.pin,
          hostMsisdn: conference.hostMsisdn,
          startAt: conference.startAtMs,
          endedAt: conference.endedAtMs,
          participantMinutes: conference.participantMinutes,
          chargeFen: conference.chargeFen,
          document,
          createdAt: conference.createdAtMs,
          updatedAt: nowMs,
        });
        if (conference.state === 'ended') written.delete(conference.id);
        else written.set(conference.id, columns);
      }
      for (const event of events) insertEvent.run(conference.id, event.seq, JSON.stringify(event));
      for (const groupId of newGroups) insertGroup.run(conference.id, groupId);
    },
  );

  return {
    /** Runs `work` in one transaction (nested writes, the calls' included, become savepoints). */
    transaction: <T>(work: () => T): T => client.transaction(work)(),

    /** After a rolled-back transaction: what was written of the room is no longer known. */
    forget: (id: string) => written.delete(id),

    /** The conference, its new events and newly involved groups, in one transaction. */
    save: (conference: Conference, events: ConferenceEvent[], newGroups: string[], nowMs: number) =>
      save(conference, events, newGroups, nowMs),

    get(id: string): Conference | undefined {
      const document = selectOne.get(id) as string | undefined;
      return document === undefined ? undefined : (JSON.parse(document) as Conference);
    },

    /** Conferences not yet ended: loaded into memory at start. */
    unfinished(): Conference[] {
      return db
        .select({ document: conferences.document })
        .from(conferences)
        .where(sql`${conferences.state} <> 'ended'`)
        .orderBy(asc(conferences.id))
        .all()
        .map((row) => row.document as Conference);
    },

    /** Oldest first (ids are creation-ordered). */
    list(filter: ConferenceFilter, page: PageRequest): Conference[] {
      const where: (SQL | undefined)[] = [];
      if (page.cursor) where.push(gt(conferences.id, page.cursor));
      if (filter.state) where.push(eq(conferences.state, filter.state));
      const involving = (groups: string[]) =>
        inArray(
          conferences.id,
          db
            .select({ id: conferenceGroups.conferenceId })
            .from(conferenceGroups)
            .where(inArray(conferenceGroups.groupId, groups)),
        );
      if (filter.groupId) where.push(involving([filter.groupId]));
      if (filter.scope) where.push(involving([...filter.scope]));
      return db
        .select({ document: conferences.document })
        .from(conferences)
        .where(and(...where))
        .orderBy(asc(conferences.id))
        .limit(page.limit + 1)
        .all()
        .map((row) => row.document as Conference);
    },

    /** The event log in order, after `afterSeq`. */
    events(conferenceId: string, afterSeq: number, limit: number): ConferenceEvent[] {
      return db
        .select({ event: conferenceEvents.event })
        .from(conferenceEvents)
        .where(and(eq(conferenceEvents.conferenceId, conferenceId), gt(conferenceEvents.seq, afterSeq)))
        .orderBy(asc(conferenceEvents.seq))
        .limit(limit)
        .all()
        .map((row) => row.event as ConferenceEvent);
    },

    /** Conferences billed to the group that ended in [fromMs, toMs). */
    usage(groupId: string, fromMs: number, toMs: number): ConferenceUsage {
      const row = db
        .select({
          conferences: sql<number>`count(*)`,
          participantMinutes: sql<number>`coalesce(sum(${conferences.participantMinutes}), 0)`,
          chargeFen: sql<number>`coalesce(sum(${conferences.chargeFen}), 0)`,
        })
        .from(conferences)
        .where(
          and(
            eq(conferences.groupId, groupId),
            eq(conferences.state, 'ended'),
            gte(conferences.endedAt, fromMs),
            lt(conferences.endedAt, toMs),
          ),
        )
        .get();
      return {
        conferences: Number(row?.conferences ?? 0),
        participantMinutes: Number(row?.participantMinutes ?? 0),
        chargeFen: Number(row?.chargeFen ?? 0),
      };
    },
  };
}

export type ConferenceRepo = ReturnType<typeof createConferenceRepo>;
