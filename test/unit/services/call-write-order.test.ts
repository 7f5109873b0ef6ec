import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../../db/sqlite/index.js';
import { testConfig } from '../../../src/config.js';
import { simulatedClock } from '../../../src/domain/clock.js';
import type { Principal } from '../../../src/services/api-keys.js';
import { createServices, type Services } from '../../../src/services/container.js';
import type { CallWrite } from '../../../src/store/call-repo.js';
import type { AppStore, Repositories } from '../../../src/store/repositories.js';
import { createSqliteBackedStore } from '../../../src/store/sqlite-repositories.js';

/**
 * Calls against a store that answers their writes late, and in an order the test chooses (as
 * a networked database under load may): each call's writes still reach the store one after the
 * other, in the order the call moved, and a request is answered only once its write committed.
 */

const ADMIN: Principal = { kind: 'admin', id: 'admin', canSee: () => true };
const T0 = Date.parse('2026-11-24T09:00:00+08:00');

interface Held {
  /** `call id @ version the write was computed from`. */
  label: string;
  release(): void;
}

/** The store with its call writes held until the test releases them. */
function holdingStore(base: AppStore) {
  const held: Held[] = [];
  let holding = false;
  const hold = (label: string, write: () => Promise<void>): Promise<void> => {
    if (!holding) return write();
    return new Promise((resolve, reject) =>
      held.push({ label, release: () => void write().then(resolve, reject) }),
    );
  };
  const wrap = (repos: Repositories): Repositories => ({
    ...repos,
    calls: {
      ...repos.calls,
      save: (w: CallWrite) => hold(`${w.call.id}@${w.version}`, () => repos.calls.save(w)),
    },
  });
  const store: AppStore = {
    dialect: base.dialect,
    repos: wrap(base.repos),
    transaction: (work) => base.transaction((tx) => work(wrap(tx))),
  };
  return {
    store,
    held,
    hold: (on: boolean) => {
      holding = on;
    },
    /** Releases the held write with this label. */
    release(label: string) {
      const i = held.findIndex((h) => h.label === label);
      if (i < 0) throw new Error(`no write held for ${label}; held: ${held.map((h) => h.label).join(', ')}`);
      const [write] = held.splice(i, 1);
      write!.release();
    },
  };
}

/** Tracks whether a promise has settled yet. */
function watch<T>(promise: Promise<T>) {
  const state = { settled: false, value: undefined as T | undefined };
  void promise.then((value) => {
    state.settled = true;
    state.value = value;
  });
  return state;
}

const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

let db: Db;
let services: Services;
let holding: ReturnType<typeof holdingStore>;

beforeEach(async () => {
  db = openDatabase(':memory:');
  holding = holdingStore(createSqliteBackedStore(db));
  services = await createServices({
    store: holding.store,
    clock: simulatedClock(T0),
    config: testConfig(),
    adminKey: 'admin-key-for-tests',
    apiKeyHmacSecret: Buffer.alloc(32, 7),
    wallClock: () => T0,
  });
  const group = await services.groups.create({
    name: '河北华北电力设备有限公司',
    institutionType: 'enterprise',
    valueTier: 'A1',
    province: 'CN-HE',
  });
  await services.vpn.put(group.id, {
    shortCodeLength: { min: 3, max: 6 },
    crossProvince: false,
    showShortCode: true,
  });
  for (const [msisdn, shortCode] of [
    ['+8613803110001', '601'],
    ['+8613803110002', '602'],
    ['+8613803110003', '603'],
  ] as const) {
    const member = await services.members.create(group.id, { msisdn, name: `成员${shortCode}` });
    await services.members.update(group.id, member.id, { shortCode });
  }
});
afterEach(() => {
  services.calls.stop();
  services.conferences.stop();
  db.$client.close();
});

const stored = (id: string) =>
  db.$client.prepare('SELECT state, version FROM calls WHERE id = ?').get(id) as
    | { state: string; version: number }
    | undefined;
const storedEvents = (id: string) =>
  (
    db.$client
      .prepare('SELECT event FROM call_events WHERE call_id = ? ORDER BY seq')
      .pluck()
      .all(id) as string[]
  ).map((e) => (JSON.parse(e) as { type: string }).type);

describe('call writes against a store that answers late and out of order', () => {
  it("lands each call's writes in order and answers each request only after its write committed", async () => {
    holding.hold(true);
    const callA = watch(services.calls.create({ from: '+8613803110001', to: '602', atMs: T0 }, ADMIN));
    const callB = watch(services.calls.create({ from: '+8613803110003', to: '602', atMs: T0 }, ADMIN));
    await turns();
    expect(holding.held.map((h) => h.label)).toHaveLength(2);
    expect([callA.settled, callB.settled]).toEqual([false, false]);
    // Memory moved at once: the calls can be acted on before their first write has landed.
    // A was placed first, so its write was queued first.
    const [idA, idB] = holding.held.map((h) => h.label.split('@')[0]!);
    const answerA = watch(services.calls.act(idA!, { action: 'answer' }, T0 + 1_000, ADMIN));
    const hangupA = watch(services.calls.act(idA!, { action: 'hangup' }, T0 + 61_000, ADMIN));
    await turns();
    // A's later writes wait behind its first: only the two creations reach the store.
    expect(holding.held.map((h) => h.label).sort()).toEqual([`${idA}@0`, `${idB}@0`].sort());

    // B's write lands first (out of order across calls): B is answered, A is not.
    holding.release(`${idB}@0`);
    await turns();
    expect(callB.settled).toBe(true);
    expect(callA.settled).toBe(false);
    expect(stored(idB!)).toEqual({ state: 'ringing', version: 1 });
    expect(stored(idA!)).toBeUndefined();

    // A's creation lands; only then does its answer reach the store, then its hang-up.
    holding.release(`${idA}@0`);
    await turns();
    expect(callA.settled).toBe(true);
    expect(stored(idA!)).toEqual({ state: 'ringing', version: 1 });
    expect(holding.held.map((h) => h.label)).toEqual([`${idA}@1`]);
    expect(answerA.settled).toBe(false);

    holding.release(`${idA}@1`);
    await turns();
    expect(answerA.settled).toBe(true);
    expect(hangupA.settled).toBe(false);
    expect(stored(idA!)).toEqual({ state: 'connected', version: 2 });
    expect(holding.held.map((h) => h.label)).toEqual([`${idA}@2`]);

    holding.release(`${idA}@2`);
    await turns();
    expect(hangupA.settled).toBe(true);
    expect(hangupA.value?.state).toBe('ended');
    expect(stored(idA!)).toEqual({ state: 'ended', version: 3 });
    expect(storedEvents(idA!)).toEqual(hangupA.value?.events.map((e) => e.type));
    expect(db.$client.prepare('SELECT count(*) FROM cdrs WHERE call_id = ?').pluck().get(idA)).toBe(1);
  });

  it('a write that fails drops the call from memory: the next read is what was committed', async () => {
    const call = await services.calls.create({ from: '+8613803110001', to: '602', atMs: T0 }, ADMIN);
    // Another process answers the call behind this one's back (its row moves to version 2).
    db.$client.prepare('UPDATE calls SET version = version + 1 WHERE id = ?').run(call.id);
    await expect(services.calls.act(call.id, { action: 'answer' }, T0 + 1_000, ADMIN)).rejects.toMatchObject({
      code: 'concurrent_update',
    });
    await services.writesSettled();
    await turns();
    const reread = await services.calls.get(call.id, ADMIN);
    expect(reread.state).toBe('ringing');
    // Read back at the stored version, the call moves again.
    const answered = await services.calls.act(call.id, { action: 'answer' }, T0 + 2_000, ADMIN);
    expect(answered.state).toBe('connected');
    expect(stored(call.id)).toEqual({ state: 'connected', version: 3 });
  });
});
