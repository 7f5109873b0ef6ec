import { and, asc, desc, eq, gt, gte, inArray, lt, ne, type SQL, sql } from 'drizzle-orm';
import {
  conferenceEvents,
  conferenceGroups,
  conferenceParticipants,
  conferences,
} from '../../../db/postgres/schema.js';
import type { Conference, ConferenceEvent } from '../../engines/conference/types.js';
import type { ConferenceFilter, ConferenceUsage, ConferenceWrite } from '../conference-repo.js';
import { groupBy } from '../group-by.js';
import type { PageRequest } from '../pagination.js';
import type { PgExecutor } from '../postgres-store.js';
import type { Repositories } from '../repositories.js';
import { asConcurrentUpdate, concurrentUpdate, type Versioned } from '../versioned.js';

/**
 * Conferences on PostgreSQL, as src/store/conference-repo.ts keeps them on SQLite: a header
 * row, one row per participant, an append-only event log; a transition writes what changed in
 * one transaction (a savepoint inside the store's), a compare-and-set on the header's version.
 */
export function createPostgresConferenceRepo(db: PgExecutor): Repositories['conferences'] {
  /** A room from its header, its participants and the last event of its log. */
  const hydrate = (header: unknown, participants: unknown[], lastEvent: unknown): Conference => {
    const conference = header as Conference;
    conference.participants = participants as Conference['participants'];
    if (lastEvent !== undefined) {
      const last = lastEvent as ConferenceEvent;
      conference.eventCount = last.seq;
      conference.lastAtMs = Math.max(conference.lastAtMs, Date.parse(last.at));
    }
    return conference;
  };

  /** Rooms for header rows, with their participants and last events in two queries. */
  async function assemble(rows: { id: string; document: unknown }[]): Promise<Conference[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const participantRows = await db
      .select({ id: conferenceParticipants.conferenceId, document: conferenceParticipants.document })
      .from(conferenceParticipants)
      .where(inArray(conferenceParticipants.conferenceId, ids))
      .orderBy(asc(conferenceParticipants.conferenceId), asc(conferenceParticipants.position));
    const participants = groupBy(
      participantRows,
      (row) => row.id,
      (row) => row.document,
    );
    const lastRows = await db
      .selectDistinctOn([conferenceEvents.conferenceId], {
        id: conferenceEvents.conferenceId,
        event: conferenceEvents.event,
      })
      .from(conferenceEvents)
      .where(inArray(conferenceEvents.conferenceId, ids))
      .orderBy(asc(conferenceEvents.conferenceId), desc(conferenceEvents.seq));
    const lastEvents = new Map(lastRows.map((row) => [row.id, row.event]));
    return rows.map((r) => hydrate(r.document, participants.get(r.id) ?? [], lastEvents.get(r.id)));
  }

  async function write(tx: PgExecutor, change: ConferenceWrite): Promise<void> {
    const { before, conference, events, newGroups, version, nowMs } = change;
    const { participants, ...header } = conference;
    const row = {
      state: conference.state,
      pin: conference.pin,
      startAt: conference.startAtMs,
      endedAt: conference.endedAtMs,
      participantMinutes: conference.participantMinutes,
      chargeFen: conference.chargeFen,
      document: header,
      updatedAt: nowMs,
    };
    if (version === 0) {
      await tx.insert(conferences).values({
        id: conference.id,
        groupId: conference.groupId,
        hostMsisdn: conference.hostMsisdn,
        createdAt: conference.createdAtMs,
        version: 1,
        ...row,
      });
    } else {
      const updated = await tx
        .update(conferences)
        .set({ ...row, version: sql`${conferences.version} + 1` })
        .where(and(eq(conferences.id, conference.id), eq(conferences.version, version)))
        .returning({ id: conferences.id });
      if (updated.length === 0) throw concurrentUpdate('conference', conference.id);
    }
    // The machine copies a participant only when it changes it: the others are the same objects.
    const previous = before?.participants;
    const changed = participants
      .map((document, position) => ({ conferenceId: conference.id, position, document }))
      .filter((p) => previous?.[p.position] !== p.document);
    if (changed.length > 0) {
      await tx
        .insert(conferenceParticipants)
        .values(changed)
        .onConflictDoUpdate({
          target: [conferenceParticipants.conferenceId, conferenceParticipants.position],
          set: { document: sql`excluded.document` },
        });
    }
    if (events.length > 0) {
      await tx
        .insert(conferenceEvents)
        .values(events.map((event) => ({ conferenceId: conference.id, seq: event.seq, event })));
    }
    if (newGroups.length > 0) {
      await tx
        .insert(conferenceGroups)
        .values(newGroups.map((groupId) => ({ conferenceId: conference.id, groupId })))
        .onConflictDoNothing();
    }
  }

  return {
    async save(change: ConferenceWrite): Promise<void> {
      try {
        await db.transaction((tx) => write(tx as unknown as PgExecutor, change));
      } catch (error) {
        throw asConcurrentUpdate(error, 'conference', change.conference.id);
      }
    },

    async get(id: string): Promise<Versioned<Conference> | undefined> {
      const [row] = await db
        .select({ id: conferences.id, document: conferences.document, version: conferences.version })
        .from(conferences)
        .where(eq(conferences.id, id));
      if (row === undefined) return undefined;
      const [value] = await assemble([row]);
      return { value: value!, version: row.version };
    },

    async unfinished(): Promise<Versioned<Conference>[]> {
      const rows = await db
        .select({ id: conferences.id, document: conferences.document, version: conferences.version })
        .from(conferences)
        .where(ne(conferences.state, 'ended'))
        .orderBy(asc(conferences.id));
      const rooms = await assemble(rows);
      return rooms.map((value, i) => ({ value, version: rows[i]!.version }));
    },

    async list(filter: ConferenceFilter, page: PageRequest): Promise<Conference[]> {
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
        await db
          .select({ id: conferences.id, document: conferences.document })
          .from(conferences)
          .where(and(...where))
          .orderBy(asc(conferences.id))
          .limit(page.limit + 1),
      );
    },

    async events(conferenceId: string, afterSeq: number, limit: number): Promise<ConferenceEvent[]> {
      const rows = await db
        .select({ event: conferenceEvents.event })
        .from(conferenceEvents)
        .where(and(eq(conferenceEvents.conferenceId, conferenceId), gt(conferenceEvents.seq, afterSeq)))
        .orderBy(asc(conferenceEvents.seq))
        .limit(limit);
      return rows.map((row) => row.event as ConferenceEvent);
    },

    async usage(groupId: string, fromMs: number, toMs: number): Promise<ConferenceUsage> {
      const [row] = await db
        .select({
          conferences: sql<number>`count(*)::int`,
          participantMinutes: sql<string>`coalesce(sum(${conferences.participantMinutes}), 0)`,
          chargeFen: sql<string>`coalesce(sum(${conferences.chargeFen}), 0)`,
        })
        .from(conferences)
        .where(
          and(
            eq(conferences.groupId, groupId),
            eq(conferences.state, 'ended'),
            gte(conferences.endedAt, fromMs),
            lt(conferences.endedAt, toMs),
          ),
        );
      return {
        conferences: Number(row?.conferences ?? 0),
        participantMinutes: Number(row?.participantMinutes ?? 0),
        chargeFen: Number(row?.chargeFen ?? 0),
      };
    },
  };
}
