import { describe, expect, it } from 'vitest';
import type { Call } from '../../../../src/engines/calls/types.js';
import type { CdrRow } from '../../../../src/store/call-repo.js';
import { createPostgresCallRepo } from '../../../../src/store/postgres/call-repo.js';
import type { Repositories } from '../../../../src/store/repositories.js';
import { createSqliteBackedStore } from '../../../../src/store/sqlite-repositories.js';
import { BACKENDS, type BackendName, postgresForTest, sqliteForTest } from '../../../helpers/backends.js';

const at = (ms: number) => new Date(ms).toISOString();
const T = Date.parse('2026-11-24T01:00:00Z');

function aCall(id: string, overrides: Partial<Call> = {}): Call {
  return {
    id,
    state: 'connected',
    callType: 'vpn_short',
    from: '+8613800000001',
    to: '6001',
    presentedCallerId: '6000',
    target: { msisdn: '+8613800000002' },
    events: [
      { at: at(T), type: 'dialled' },
      { at: at(T + 1_000), type: 'answered' },
    ],
    decision: 'vpn_short',
    reason: 'short_code',
    tariffClass: 'onnet',
    rateFenPerMinute: 10,
    billingGroupId: 'grp_a',
    callerGroupId: 'grp_a',
    calleeGroupId: 'grp_b',
    startedAtMs: T,
    answeredAtMs: T + 1_000,
    endedAtMs: null,
    lastAtMs: T + 1_000,
    ivr: null,
    alerting: null,
    queuedAtMs: null,
    pending: null,
    endCause: null,
    ...overrides,
  } as Call;
}

/** The call hung up: one event more, ended. */
function ended(call: Call): Call {
  return {
    ...call,
    state: 'ended',
    endedAtMs: T + 61_000,
    lastAtMs: T + 61_000,
    endCause: 'hangup',
    events: [...call.events, { at: at(T + 61_000), type: 'hangup' }],
  } as Call;
}

function cdrOf(call: Call, id = `cdr_${call.id}`): CdrRow {
  return {
    id,
    callId: call.id,
    groupId: call.billingGroupId,
    callType: call.callType,
    from: call.from,
    to: call.to,
    presentedCallerId: call.presentedCallerId,
    startedAt: call.startedAtMs,
    answeredAt: call.answeredAtMs,
    endedAt: T + 61_000,
    billableSeconds: 60,
    tariffClass: call.tariffClass,
    rateFenPerMinute: call.rateFenPerMinute,
    chargeFen: 10,
    createdAt: T + 61_000,
  };
}

const REFUSED = { name: 'AppError', code: 'concurrent_update' };

describe.each(BACKENDS)('the call repository on %s', (backend: BackendName) => {
  const postgres = backend === 'postgres' ? postgresForTest() : null;
  /** A fresh database per test on SQLite; on PostgreSQL the file's, with ids unique per test. */
  let n = 0;
  function setup() {
    n++;
    const repo: Repositories['calls'] =
      postgres === null
        ? createSqliteBackedStore(sqliteForTest()).repos.calls
        : createPostgresCallRepo(postgres.db);
    return { repo, id: (name: string) => `call_${n}_${name}` };
  }

  it('saves a new call at version 1 and reads it back with its events in order', async () => {
    const { repo, id } = setup();
    const call = aCall(id('a'));
    await repo.save({ call, cdr: null, eventsFrom: 0, version: 0, nowMs: T });
    expect(await repo.get(call.id)).toEqual({ value: call, version: 1 });
    expect(await repo.get(id('none'))).toBeUndefined();
  });

  it('appends only the new events; an appended note moves the clock and the version', async () => {
    const { repo, id } = setup();
    const call = aCall(id('a'));
    await repo.save({ call, cdr: null, eventsFrom: 0, version: 0, nowMs: T });
    const noted = { ...call, events: [...call.events, { at: at(T + 9_000), type: 'announcement' }] };
    await repo.appendEvents(noted, call.events.length, 1);
    expect(await repo.get(call.id)).toEqual({ value: { ...noted, lastAtMs: T + 9_000 }, version: 2 });
    const over = ended(noted);
    await repo.save({ call: over, cdr: cdrOf(over), eventsFrom: noted.events.length, version: 2, nowMs: T });
    const stored = await repo.get(call.id);
    expect(stored?.version).toBe(3);
    expect(stored?.value.events.map((e) => e.type)).toEqual([
      'dialled',
      'answered',
      'announcement',
      'hangup',
    ]);
  });

  it('lists oldest first, page by page, by state and by group, within a scope; unfinished are those not ended', async () => {
    const { repo, id } = setup();
    const a = aCall(id('a'));
    const b = aCall(id('b'), { callerGroupId: 'grp_c', calleeGroupId: null });
    const c = aCall(id('c'), { callerGroupId: 'grp_x', calleeGroupId: 'grp_a' });
    for (const call of [a, b, c]) await repo.save({ call, cdr: null, eventsFrom: 0, version: 0, nowMs: T });
    await repo.save({ call: ended(b), cdr: null, eventsFrom: 2, version: 1, nowMs: T });

    const mine = (calls: Call[]) => calls.map((x) => x.id).filter((x) => x.startsWith(`call_${n}_`));
    const first = await repo.list({ scope: null }, { limit: 1, cursor: `call_${n}_` });
    expect(first.map((x) => x.id)).toEqual([a.id, b.id]); // limit + 1: the caller sees more follow
    expect(first[1]?.events).toHaveLength(3);
    expect(mine(await repo.list({ scope: null }, { limit: 10, cursor: a.id }))).toEqual([b.id, c.id]);
    expect(mine(await repo.list({ state: 'ended', scope: null }, { limit: 10 }))).toEqual([b.id]);
    expect(mine(await repo.list({ groupId: 'grp_a', scope: null }, { limit: 10 }))).toEqual([a.id, c.id]);
    expect(mine(await repo.list({ scope: new Set(['grp_c']) }, { limit: 10 }))).toEqual([b.id]);
    expect(mine(await repo.list({ scope: new Set<string>() }, { limit: 10 }))).toEqual([]);

    const unfinished = (await repo.unfinished()).filter((u) => u.value.id.startsWith(`call_${n}_`));
    expect(unfinished).toEqual([
      { value: a, version: 1 },
      { value: c, version: 1 },
    ]);
  });

  it('refuses a write from a stale version, and keeps nothing of it (not its CDR, not its events)', async () => {
    const { repo, id } = setup();
    const call = aCall(id('a'));
    await repo.save({ call, cdr: null, eventsFrom: 0, version: 0, nowMs: T });
    const moved = {
      ...call,
      lastAtMs: T + 2_000,
      events: [...call.events, { at: at(T + 2_000), type: 'dtmf' }],
    } as Call;
    await repo.save({ call: moved, cdr: null, eventsFrom: 2, version: 1, nowMs: T });

    // Another writer still at version 1 ends the call: refused whole.
    const stale = ended(call);
    await expect(
      repo.save({ call: stale, cdr: cdrOf(stale), eventsFrom: 2, version: 1, nowMs: T }),
    ).rejects.toMatchObject(REFUSED);
    await expect(repo.appendEvents(moved, 2, 1)).rejects.toMatchObject(REFUSED);
    expect(await repo.get(call.id)).toEqual({ value: moved, version: 2 });
    expect(await repo.list({ state: 'ended', scope: null }, { limit: 10, cursor: `call_${n}_` })).toEqual([]);
    // A new call saved twice as new: the second is the same refusal.
    await expect(repo.save({ call, cdr: null, eventsFrom: 0, version: 0, nowMs: T })).rejects.toMatchObject(
      REFUSED,
    );
  });

  it('writes a CDR once per call: a second, even from the right version, is refused', async () => {
    const { repo, id } = setup();
    const call = aCall(id('a'));
    await repo.save({ call, cdr: cdrOf(call, `cdr_${n}_1`), eventsFrom: 0, version: 0, nowMs: T });
    const over = ended(call);
    await expect(
      repo.save({ call: over, cdr: cdrOf(over, `cdr_${n}_2`), eventsFrom: 2, version: 1, nowMs: T }),
    ).rejects.toMatchObject(REFUSED);
    expect((await repo.get(call.id))?.version).toBe(1);
  });

  // Concurrent writers are PostgreSQL's: SQLite runs its transactions one at a time.
  if (backend === 'postgres')
    it('two saves from the same version at once, on two connections: exactly one wins', async () => {
      const { repo, id } = setup();
      const call = aCall(id('a'));
      await repo.save({ call, cdr: null, eventsFrom: 0, version: 0, nowMs: T });
      const attempts = await Promise.allSettled(
        [0, 1, 2, 3].map((i) => {
          const over = ended({ ...call, endCause: `hangup_${i}` } as Call);
          return repo.save({
            call: over,
            cdr: cdrOf(over, `cdr_${n}_${i}`),
            eventsFrom: 2,
            version: 1,
            nowMs: T,
          });
        }),
      );
      expect(attempts.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of attempts.filter((x) => x.status === 'rejected')) {
        expect((r as PromiseRejectedResult).reason).toMatchObject(REFUSED);
      }
      const stored = await repo.get(call.id);
      expect(stored?.version).toBe(2);
      expect(stored?.value.events).toHaveLength(3);
      const cdrs = await postgres!.db.$client.query(
        'SELECT count(*)::int AS n FROM cdrs WHERE call_id = $1',
        [call.id],
      );
      expect(cdrs.rows[0].n).toBe(1);
    });
});
