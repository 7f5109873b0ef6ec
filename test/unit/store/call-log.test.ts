import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../../db/sqlite/index.js';
import * as schema from '../../../db/sqlite/schema.js';
import type { Call } from '../../../src/engines/calls/types.js';
import { createCallRepo } from '../../../src/store/call-repo.js';
import { createConferenceRepo } from '../../../src/store/conference-repo.js';

const migrations = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../db/sqlite/migrations',
);

const at = (ms: number) => new Date(ms).toISOString();
const T = Date.parse('2026-11-24T01:00:00Z');

function aCall(overrides: Partial<Call> = {}): Call {
  return {
    id: 'call_1',
    state: 'connected',
    callType: 'vpn_short',
    from: '+8613800000001',
    to: '6001',
    presentedCallerId: '6000',
    target: { msisdn: '+8613800000002' },
    events: [
      { at: at(T), type: 'dialled' },
      { at: at(T + 1_000), type: 'ringing', msisdn: '+8613800000002' },
      { at: at(T + 5_000), type: 'answered' },
    ],
    decision: 'vpn_short',
    reason: 'short_code',
    tariffClass: 'onnet',
    rateFenPerMinute: 10,
    billingGroupId: null,
    callerGroupId: null,
    calleeGroupId: null,
    startedAtMs: T,
    answeredAtMs: T + 5_000,
    endedAtMs: null,
    lastAtMs: T + 5_000,
    ivr: null,
    alerting: null,
    queuedAtMs: null,
    pending: null,
    endCause: null,
    ...overrides,
  } as Call;
}

describe('calls and conferences in rows', () => {
  it('keeps the row without the log and appends only new events; an appended note moves the clock', () => {
    const db = openDatabase(':memory:');
    const repo = createCallRepo(db);
    const call = aCall();
    repo.save({ call, cdr: null, eventsFrom: 0, version: 0, nowMs: T });
    const note = { ...call, events: [...call.events, { at: at(T + 9_000), type: 'announcement' }] };
    repo.appendEvents(note, call.events.length, 1);

    const row = db.$client.prepare('SELECT document FROM calls WHERE id = ?').pluck().get(call.id) as string;
    expect(JSON.parse(row)).not.toHaveProperty('events');
    expect(db.$client.prepare('SELECT count(*) FROM call_events').pluck().get()).toBe(4);
    expect(repo.get(call.id)).toEqual({ value: { ...note, lastAtMs: T + 9_000 }, version: 2 });
    expect(repo.unfinished()).toEqual([{ value: { ...note, lastAtMs: T + 9_000 }, version: 2 }]);

    // A later action writes its row and only the event it added.
    const ended = {
      ...note,
      state: 'ended' as const,
      endedAtMs: T + 10_000,
      lastAtMs: T + 10_000,
      events: [...note.events, { at: at(T + 10_000), type: 'hangup' }],
    };
    repo.save({ call: ended, cdr: null, eventsFrom: note.events.length, version: 2, nowMs: T + 10_000 });
    expect(repo.get(call.id)).toEqual({ value: ended, version: 3 });
    expect(repo.unfinished()).toEqual([]);
    expect(repo.list({ scope: null }, { limit: 10 })).toEqual([ended]);
    // Writing an already written event again is refused, not silently duplicated.
    expect(() => repo.appendEvents(ended, 0, 3)).toThrow(
      expect.objectContaining({ code: 'concurrent_update' }),
    );
  });

  it('migrations 0005 and 0006 move the logs of calls and the participants of rooms out of their rows', () => {
    // A database as 0004 left it, with a call and a conference stored as whole documents.
    const sqlite = new Database(':memory:');
    sqlite.pragma('foreign_keys = ON');
    const apply = (name: string) => {
      for (const statement of readFileSync(path.join(migrations, name), 'utf8').split(
        '--> statement-breakpoint',
      ))
        sqlite.exec(statement);
    };
    for (const name of readdirSync(migrations)
      .filter((f) => f.endsWith('.sql'))
      .sort()) {
      if (name.startsWith('0005')) break;
      apply(name);
    }
    const legacyCall = aCall();
    sqlite
      .prepare(
        `INSERT INTO calls (id, state, call_type, document, created_at, updated_at) VALUES (?, 'connected', 'vpn_short', ?, ?, ?)`,
      )
      .run(legacyCall.id, JSON.stringify(legacyCall), T, T);
    const participant = (id: string, msisdn: string) => ({
      id,
      msisdn,
      muted: false,
      legs: [],
      state: 'joined',
    });
    const legacyRoom = {
      id: 'conf_1',
      state: 'active',
      pin: '123456',
      hostMsisdn: '+8613800000001',
      participants: [participant('cpt_1', '+8613800000001'), participant('cpt_2', '+8613800000002')],
      lastAtMs: T + 2_000,
      eventCount: 2,
    };
    sqlite
      .prepare(
        `INSERT INTO conferences (id, state, pin, host_msisdn, document, created_at, updated_at) VALUES (?, 'active', '123456', ?, ?, ?, ?)`,
      )
      .run(legacyRoom.id, legacyRoom.hostMsisdn, JSON.stringify(legacyRoom), T, T);
    const insertEvent = sqlite.prepare(
      'INSERT INTO conference_events (conference_id, seq, event) VALUES (?, ?, ?)',
    );
    insertEvent.run(legacyRoom.id, 1, JSON.stringify({ seq: 1, at: at(T), type: 'created' }));
    insertEvent.run(legacyRoom.id, 2, JSON.stringify({ seq: 2, at: at(T + 2_000), type: 'joined' }));

    apply('0005_call_events.sql');
    apply('0006_conference_rows.sql');
    apply('0007_api_keys_audit.sql');
    apply('0008_row_versions.sql');

    const db = drizzle(sqlite, { schema }) as Db;
    const rowOf = (table: string, id: string) =>
      JSON.parse(sqlite.prepare(`SELECT document FROM ${table} WHERE id = ?`).pluck().get(id) as string);
    expect(rowOf('calls', legacyCall.id)).not.toHaveProperty('events');
    expect(rowOf('conferences', legacyRoom.id)).not.toHaveProperty('participants');
    // Rows written before versions start at version 1.
    expect(createCallRepo(db).get(legacyCall.id)).toEqual({ value: legacyCall, version: 1 });
    expect(createConferenceRepo(db).get(legacyRoom.id)).toEqual({ value: legacyRoom, version: 1 });
    expect(
      createConferenceRepo(db)
        .events(legacyRoom.id, 0, 10)
        .map((e) => e.type),
    ).toEqual(['created', 'joined']);
    const tables = sqlite
      .prepare(
        `SELECT sql FROM sqlite_master WHERE name IN ('call_events', 'conference_events', 'conference_participants')`,
      )
      .pluck()
      .all() as string[];
    expect(tables.every((sql) => sql.includes('WITHOUT ROWID'))).toBe(true);
  });
});
