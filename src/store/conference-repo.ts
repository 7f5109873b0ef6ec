import { and, asc, eq, gt, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/index.js';
import {
  conferenceEvents,
  conferenceGroups,
  conferenceParticipants,
  conferences,
} from '../../db/sqlite/schema.js';
import type { Conference, ConferenceEvent, ConferenceState } from '../engines/conference/types.js';
import { groupBy } from './group-by.js';
import type { PageRequest } from './pagination.js';
import { asConcurrentUpdate, concurrentUpdate, type Versioned } from './versioned.js';

export interface ConferenceFilter {
  state?: ConferenceState | undefined;
  /** Conferences involving this group (its own or a participant's). */
  groupId?: string | undefined;
  /** A partner's groups; null for the admin. */
  scope: ReadonlySet<string> | null;
}

/** One transition of a room: what changed of it, its new events and newly involved groups. */
export interface ConferenceWrite {
  /** The room as last written (null: a new room): participants the same objects are unchanged. */
  before: Conference | null;
  conference: Conference;
  events: ConferenceEvent[];
  newGroups: string[];
  /** The version the write was computed from: 0 for a new room. */
  version: number;
  nowMs: number;
}

export interface ConferenceUsage {
  conferences: number;
  participantMinutes: number;
  chargeFen: number;
}

/**
 * Conferences as a header row, one row per participant and an append-only event log, so that a
 * control action writes only what it changed: a mute is one participant row and one event, not
 * the whole room. The header row is rewritten by every transition (its version moves: a
 * compare-and-set, versioned.ts); the room's event count and clock are read back from its log.
 * Every write of a transition is in one transaction, so a restart (graceful or not) resumes
 * each room from its last acknowledged state. The writes are prepared statements: control
 * actions write on every request.
 */
export function createConferenceRepo(db: Db) {
  const client = db.$client;
  const insert = client.prepare(
    `INSERT INTO conferences (id, group_id, state, pin, host_msisdn, start_at, ended_at, participant_minutes, charge_fen, document, created_at, updated_at, version)
     VALUES (@id, @groupId, @state, @pin, @hostMsisdn, @startAt, @endedAt, @participantMinutes, @chargeFen, @document, @createdAt, @updatedAt, 1)`,
  );
  const update = client.prepare(
    `UPDATE conferences SET state = @state, pin = @pin, start_at = @startAt, ended_at = @endedAt,
       participant_minutes = @participantMinutes, charge_fen = @chargeFen, document = @document,
       updated_at = @updatedAt, version = version + 1
     WHERE id = @id AND version = @version`,
  );
  const upsertParticipant = client.prepare(
    `INSERT INTO conference_participants (conference_id, position, document) VALUES (?, ?, ?)
     ON CONFLICT (conference_id, position) DO UPDATE SET document = excluded.document`,
  );
  const insertEvent = client.prepare(
    'INSERT INTO conference_events (conference_id, seq, event) VALUES (?, ?, ?)',
  );
  const insertGroup = client.prepare(
    'INSERT OR IGNORE INTO conference_groups (conference_id, group_id) VALUES (?, ?)',
  );
  const selectHeader = client.prepare('SELECT document, version FROM conferences WHERE id = ?');
  const selectParticipants = client
    .prepare('SELECT document FROM conference_participants WHERE conference_id = ? ORDER BY position')
    .pluck();
  const selectLastEvent = client
    .prepare('SELECT event FROM conference_events WHERE conference_id = ? ORDER BY seq DESC LIMIT 1')
    .pluck();

  const save = client.transaction(
    ({ before, conference, events, newGroups, version, nowMs }: ConferenceWrite) => {
      const { participants, ...header } = conference;
      const row = {
        id: conference.id,
        groupId: conference.groupId,
        state: conference.state,
        pin: conference.pin,
        hostMsisdn: conference.hostMsisdn,
        startAt: conference.startAtMs,
        endedAt: conference.endedAtMs,
        participantMinutes: conference.participantMinutes,
        chargeFen: conference.chargeFen,
        document: JSON.stringify(header),
        createdAt: conference.createdAtMs,
        updatedAt: nowMs,
      };
      if (version === 0) insert.run(row);
      else if (update.run({ ...row, version }).changes === 0)
        throw concurrentUpdate('conference', conference.id);
      // The machine copies a participant only when it changes it: the others are the same objects.
      const previous = before?.participants;
      for (let position = 0; position < participants.length; position++) {
        const participant = participants[position]!;
        if (previous?.[position] !== participant) {
          upsertParticipant.run(conference.id, position, JSON.stringify(participant));
        }
      }
      for (const event of events) insertEvent.run(conference.id, event.seq, JSON.stringify(event));
      for (const groupId of newGroups) insertGroup.run(conference.id, groupId);
    },
  );

  /** A room from its header, its participants and the last event of its log. */
  const hydrate = (header: unknown, participants: string[], lastEvent: string | undefined): Conference => {
    const conference = (typeof header === 'string' ? JSON.parse(header) : header) as Conference;
    conference.participants = participants.map((p) => JSON.parse(p));
    if (lastEvent !== undefined) {
      const last = JSON.parse(lastEvent) as ConferenceEvent;
      conference.eventCount = last.seq;
      conference.lastAtMs = Math.max(conference.lastAtMs, Date.parse(last.at));
    }
    return conference;
  };

  /** Rooms for header rows, with their participants and last events in two queries. */
  const assemble = (rows: { id: string; document: unknown }[]): Conference[] => {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const participants = groupBy(
      db
        .select({
          id: conferenceParticipants.conferenceId,
          document: sql<string>`${conferenceParticipants.document}`,
        })
        .from(conferenceParticipants)
        .where(inArray(conferenceParticipants.conferenceId, ids))
        .orderBy(asc(conferenceParticipants.conferenceId), asc(conferenceParticipants.position))
        .all(),
      (row) => row.id,
      (row) => row.document,
    );
    // SQLite: with max(), the bare column comes from the row holding the maximum.
    const lastEvents = new Map(
      db
        .select({
          id: conferenceEvents.conferenceId,
          event: sql<string>`${conferenceEvents.event}`,
          seq: sql`max(${conferenceEvents.seq})`,
        })
        .from(conferenceEvents)
        .where(inArray(conferenceEvents.conferenceId, ids))
        .groupBy(conferenceEvents.conferenceId)
        .all()
        .map((row) => [row.id, row.event]),
    );
    return rows.map((r) => hydrate(r.document, participants.get(r.id) ?? [], lastEvents.get(r.id)));
  };

  return {
    /**
     * A transition (a new room when `version` is 0), in one transaction; refused whole (409
     * `concurrent_update`) when the room's row is no longer at `version`.
     */
    save(write: ConferenceWrite): void {
      try {
        save(write);
      } catch (error) {
        throw asConcurrentUpdate(error, 'conference', write.conference.id);
      }
    },

    get(id: string): Versioned<Conference> | undefined {
      const row = selectHeader.get(id) as { document: string; version: number } | undefined;
      if (row === undefined) return undefined;
      const value = hydrate(
        row.document,
        selectParticipants.all(id) as string[],
        selectLastEvent.get(id) as string | undefined,
      );
      return { value, version: row.version };
    },

    /** Conferences not yet ended: loaded into memory at start. */
    unfinished(): Versioned<Conference>[] {
      const rows = db
        .select({ id: conferences.id, document: conferences.document, version: conferences.version })
        .from(conferences)
        .where(sql`${conferences.state} <> 'ended'`)
        .orderBy(asc(conferences.id))
        .all();
      return assemble(rows).map((value, i) => ({ value, version: rows[i]!.version }));
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
      return assemble(
        db
          .select({ id: conferences.id, document: conferences.document })
          .from(conferences)
          .where(and(...where))
          .orderBy(asc(conferences.id))
          .limit(page.limit + 1)
          .all(),
      );
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
