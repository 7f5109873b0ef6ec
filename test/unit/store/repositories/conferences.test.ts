import { describe, expect, it } from 'vitest';
import {
  applyConferenceAction,
  type Conference,
  type ConferenceAction,
  type ConferenceEvent,
  createConference,
  type Invitee,
} from '../../../../src/engines/conference/index.js';
import { createPostgresConferenceRepo } from '../../../../src/store/postgres/conference-repo.js';
import type { Repositories } from '../../../../src/store/repositories.js';
import { createSqliteBackedStore } from '../../../../src/store/sqlite-repositories.js';
import { BACKENDS, type BackendName, postgresForTest, sqliteForTest } from '../../../helpers/backends.js';

const T = Date.parse('2026-11-24T01:00:00Z');
const env = { resolveNumber: () => null };

const person = (id: string, msisdn: string, groupId: string | null): Invitee => ({
  id,
  msisdn,
  memberId: null,
  groupId,
  name: null,
});

/** A new room of the group with one invitee from another group. */
function aRoom(id: string, groupId: string, pin: string) {
  return createConference(
    {
      id,
      groupId,
      title: '周会',
      host: person(`${id}_host`, '+8613800000001', groupId),
      accessNumber: '+861095000',
      pin,
      maxParticipants: 3,
      endWhenHostLeaves: false,
      startAtMs: null,
      durationMinutes: null,
      invitees: [person(`${id}_p1`, '+8613800000002', 'grp_guest')],
    },
    T,
  );
}

function move(conference: Conference, action: ConferenceAction, atMs: number) {
  const t = applyConferenceAction(conference, action, atMs, env);
  if (!t.ok) throw new Error(t.detail);
  return t;
}

const REFUSED = { name: 'AppError', code: 'concurrent_update' };

describe.each(BACKENDS)('the conference repository on %s', (backend: BackendName) => {
  const postgres = backend === 'postgres' ? postgresForTest() : null;
  let n = 0;
  function setup() {
    n++;
    const repo: Repositories['conferences'] =
      postgres === null
        ? createSqliteBackedStore(sqliteForTest()).repos.conferences
        : createPostgresConferenceRepo(postgres.db);
    return {
      repo,
      id: (name: string) => `conf_${n}_${name}`,
      pin: (k: number) => String(n * 10 + k).padStart(6, '0'),
    };
  }

  /** A room created and started (dialling its invitee): two writes, at version 2. */
  async function startedRoom(repo: Repositories['conferences'], id: string, pin: string, groupId = 'grp_a') {
    const created = aRoom(id, groupId, pin);
    await repo.save({
      before: null,
      conference: created.conference,
      events: created.events,
      newGroups: [groupId, 'grp_guest'],
      version: 0,
      nowMs: T,
    });
    const started = move(created.conference, { kind: 'start', fenPerParticipantMinute: 10 }, T + 1_000);
    await repo.save({
      before: created.conference,
      conference: started.conference,
      events: started.events,
      newGroups: [],
      version: 1,
      nowMs: T + 1_000,
    });
    return { conference: started.conference, events: [...created.events, ...started.events] };
  }

  it('saves a room and reads it back: header, participants, events in order, version', async () => {
    const { repo, id, pin } = setup();
    const { conference, events } = await startedRoom(repo, id('a'), pin(1));
    expect(await repo.get(conference.id)).toEqual({ value: conference, version: 2 });
    const logged = await repo.events(conference.id, 0, 100);
    expect(logged).toEqual(events);
    expect(logged.map((e: ConferenceEvent) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(await repo.events(conference.id, 1, 1)).toEqual([events[1]]);
    expect(await repo.get(id('none'))).toBeUndefined();
  });

  it('writes only what a transition changed, and the room reads back as memory has it', async () => {
    const { repo, id, pin } = setup();
    const { conference } = await startedRoom(repo, id('a'), pin(1));
    const guest = conference.participants[1]!;
    const muted = move(conference, { kind: 'set_muted', participantId: guest.id, muted: true }, T + 2_000);
    await repo.save({
      before: conference,
      conference: muted.conference,
      events: muted.events,
      newGroups: [],
      version: 2,
      nowMs: T + 2_000,
    });
    expect(await repo.get(conference.id)).toEqual({ value: muted.conference, version: 3 });
  });

  it('lists oldest first, page by page, by state and involved group; unfinished are those not ended; usage sums ended ones', async () => {
    const { repo, id, pin } = setup();
    const a = await startedRoom(repo, id('a'), pin(1), 'grp_a');
    const b = await startedRoom(repo, id('b'), pin(2), 'grp_b');
    const over = move(b.conference, { kind: 'end', cause: 'ended_by_api' }, T + 120_000);
    await repo.save({
      before: b.conference,
      conference: over.conference,
      events: over.events,
      newGroups: [],
      version: 2,
      nowMs: T + 120_000,
    });
    const mine = (rooms: Conference[]) => rooms.map((r) => r.id).filter((r) => r.startsWith(`conf_${n}_`));
    const first = await repo.list({ scope: null }, { limit: 1, cursor: `conf_${n}_` });
    expect(first.map((r) => r.id)).toEqual([a.conference.id, b.conference.id]);
    expect(first[0]).toEqual(a.conference);
    expect(mine(await repo.list({ scope: null }, { limit: 5, cursor: a.conference.id }))).toEqual([
      b.conference.id,
    ]);
    expect(mine(await repo.list({ state: 'ended', scope: null }, { limit: 5 }))).toEqual([b.conference.id]);
    expect(mine(await repo.list({ groupId: 'grp_guest', scope: null }, { limit: 5 }))).toEqual([
      a.conference.id,
      b.conference.id,
    ]);
    expect(mine(await repo.list({ scope: new Set(['grp_b']) }, { limit: 5 }))).toEqual([b.conference.id]);
    const unfinished = (await repo.unfinished()).filter((u) => u.value.id.startsWith(`conf_${n}_`));
    expect(unfinished).toEqual([{ value: a.conference, version: 2 }]);
    expect(await repo.usage('grp_b', T, T + 86_400_000)).toEqual({
      conferences: 1,
      participantMinutes: over.conference.participantMinutes ?? 0,
      chargeFen: over.conference.chargeFen ?? 0,
    });
    expect((await repo.usage('grp_a', T, T + 86_400_000)).conferences).toBe(0);
  });

  it('refuses a transition from a stale version and keeps nothing of it', async () => {
    const { repo, id, pin } = setup();
    const { conference } = await startedRoom(repo, id('a'), pin(1));
    const locked = move(conference, { kind: 'lock' }, T + 2_000);
    await repo.save({
      before: conference,
      conference: locked.conference,
      events: locked.events,
      newGroups: [],
      version: 2,
      nowMs: T + 2_000,
    });
    // Another writer still at version 2 mutes the guest: refused, no event, no participant change.
    const guest = conference.participants[1]!;
    const stale = move(conference, { kind: 'set_muted', participantId: guest.id, muted: true }, T + 3_000);
    await expect(
      repo.save({
        before: conference,
        conference: stale.conference,
        events: stale.events.map((e) => ({ ...e, seq: e.seq + 10 })),
        newGroups: ['grp_new'],
        version: 2,
        nowMs: T + 3_000,
      }),
    ).rejects.toMatchObject(REFUSED);
    expect(await repo.get(conference.id)).toEqual({ value: locked.conference, version: 3 });
    expect(await repo.list({ groupId: 'grp_new', scope: null }, { limit: 5 })).toEqual([]);
    // A room inserted twice as new: the same refusal.
    const again = aRoom(id('a'), 'grp_a', pin(2));
    await expect(
      repo.save({
        before: null,
        conference: again.conference,
        events: [],
        newGroups: [],
        version: 0,
        nowMs: T,
      }),
    ).rejects.toMatchObject(REFUSED);
  });

  // Concurrent writers are PostgreSQL's: SQLite runs its transactions one at a time.
  if (backend === 'postgres')
    it('two transitions from the same version at once, on two connections: exactly one wins (the last seat)', async () => {
      const { repo, id, pin } = setup();
      const { conference } = await startedRoom(repo, id('a'), pin(1));
      // Host and guest take two of three seats: each of these adds the last one.
      const attempts = await Promise.allSettled(
        [0, 1, 2, 3].map((i) => {
          const t = move(
            conference,
            { kind: 'add', invitee: person(`${id('a')}_x${i}`, `+86139000000${i}0`, null) },
            T + 5_000,
          );
          return repo.save({
            before: conference,
            conference: t.conference,
            events: t.events,
            newGroups: [],
            version: 2,
            nowMs: T + 5_000,
          });
        }),
      );
      expect(attempts.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of attempts.filter((x) => x.status === 'rejected')) {
        expect((r as PromiseRejectedResult).reason).toMatchObject(REFUSED);
      }
      const stored = await repo.get(conference.id);
      expect(stored?.version).toBe(3);
      expect(stored?.value.participants).toHaveLength(3);
    });
});
