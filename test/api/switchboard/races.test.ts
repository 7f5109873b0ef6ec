import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Menu } from '../../../src/engines/switchboard/types.js';
import { createSwitchboardService } from '../../../src/services/switchboards.js';
import type { AppStore } from '../../../src/store/repositories.js';
import { createDirectoryWriter } from '../../../src/store/routing-directory/index.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import {
  createSwitchboard,
  menuWith,
  OTHER_PILOT,
  PILOT_E164,
  patchSwitchboard,
  postSwitchboard,
  problem,
  putExtension,
  putOperator,
  type Scene,
  scene,
  switchboardBody,
} from './config-fixtures.js';

/**
 * What is taken once at a switchboard, claimed by several requests at the same moment: with an
 * await between each request's check and its write, more than one can pass the check, and the
 * store's unique rules must still let exactly one win, with the others given the documented
 * answer (never a 500), and the directory must hold what the store holds.
 */

const N = 6;

let t: TestApp;
let s: Scene;
beforeEach(async () => {
  t = await createTestApp();
  s = await scene(t);
});
afterEach(async () => {
  await t.close();
});

const statuses = (responses: { statusCode: number }[]) => responses.map((r) => r.statusCode).sort();
const rows = <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => t.sql<T>(sql, ...params);

describe('the same pilot number claimed at once', () => {
  it('by N new switchboards: one is created, the others are 409 pilot_number_taken, one row', async () => {
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        postSwitchboard(t, s.groupId, switchboardBody(s, { greeting: `总机 ${i}` })),
      ),
    );
    expect(statuses(responses)).toEqual([201, ...Array(N - 1).fill(409)]);
    for (const refused of responses.filter((r) => r.statusCode === 409)) {
      expect(problem(refused)).toMatchObject({ code: 'pilot_number_taken' });
    }
    const winner = responses.find((r) => r.statusCode === 201)!.json();
    expect(await rows('SELECT id FROM switchboards')).toEqual([{ id: winner.id }]);
    expect(t.app.services.directory.switchboardsByPilot.get(PILOT_E164)?.id).toBe(winner.id);
    expect(t.app.services.directory.switchboardsById.size).toBe(1);
  });

  it('by N switchboards changing to it: one gets it, the others are 409 and keep their own', async () => {
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      ids.push(
        await createSwitchboard(t, s.groupId, switchboardBody(s, { pilotNumber: `0311-8800010${i}` })),
      );
    }
    const responses = await Promise.all(
      ids.map((id) => patchSwitchboard(t, id, { pilotNumber: OTHER_PILOT })),
    );
    expect(statuses(responses)).toEqual([200, ...Array(N - 1).fill(409)]);
    const winner = responses.find((r) => r.statusCode === 200)!.json();
    const holders = await rows<{ id: string }>(
      'SELECT id FROM switchboards WHERE pilot_number = ?',
      winner.pilotNumber,
    );
    expect(holders).toEqual([{ id: winner.id }]);
    const directory = t.app.services.directory;
    expect(directory.switchboardsByPilot.get(winner.pilotNumber)?.id).toBe(winner.id);
    // The losers still answer at their own pilots, in the store and in the directory.
    for (const id of ids.filter((id) => id !== winner.id)) {
      const [row] = await rows<{ pilot_number: string }>(
        'SELECT pilot_number FROM switchboards WHERE id = ?',
        id,
      );
      expect(directory.switchboardsByPilot.get(row!.pilot_number)?.id).toBe(id);
    }
  });

  it('a pilot taken meanwhile by another group is refused the same way', async () => {
    const [mine, theirs] = await Promise.all([
      postSwitchboard(t, s.groupId, switchboardBody(s)),
      postSwitchboard(
        t,
        s.otherGroupId,
        switchboardBody(s, {
          menu: { prompt: '人工服务请按0', maxRetries: 1, options: { '0': { action: 'operator' } } },
        }),
      ),
    ]);
    expect(statuses([mine, theirs])).toEqual([201, 409]);
  });
});

describe('extensions and operator seats claimed at once', () => {
  let switchboardId: string;
  beforeEach(async () => {
    switchboardId = await createSwitchboard(t, s.groupId, switchboardBody(s));
  });

  it('N puts of one free extension: exactly one is told it created it (201), one row, as in the directory', async () => {
    const members = [s.wang, s.zhang, s.liu, s.operator];
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        putExtension(t, switchboardId, '8100', members[i % members.length]!.id),
      ),
    );
    expect(statuses(responses)).toEqual([200, 200, 200, 200, 200, 201]);
    const stored = await rows<{ member_id: string }>(
      'SELECT member_id FROM switchboard_extensions WHERE switchboard_id = ? AND extension = ?',
      switchboardId,
      '8100',
    );
    expect(stored).toHaveLength(1);
    const entry = t.app.services.directory.switchboardsById.get(switchboardId)!;
    expect(entry.extensions.get('8100')).toBe(stored[0]!.member_id);
  });

  it('N deletes of one extension: one 204, the others 404', async () => {
    expect((await putExtension(t, switchboardId, '8100', s.zhang.id)).statusCode).toBe(201);
    const responses = await Promise.all(
      Array.from({ length: N }, () =>
        t.call({ method: 'DELETE', url: `/v1/switchboards/${switchboardId}/extensions/8100` }),
      ),
    );
    expect(statuses(responses)).toEqual([204, ...Array(N - 1).fill(404)]);
    expect(t.app.services.directory.switchboardsById.get(switchboardId)!.extensions.has('8100')).toBe(false);
  });

  it('N seatings of one operator: one 201, the others 200, one seat', async () => {
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        putOperator(t, switchboardId, s.operator.id, i % 2 === 0 ? 'available' : 'busy'),
      ),
    );
    expect(statuses(responses)).toEqual([200, 200, 200, 200, 200, 201]);
    const stored = await rows<{ status: string }>(
      'SELECT status FROM switchboard_operators WHERE switchboard_id = ? AND member_id = ?',
      switchboardId,
      s.operator.id,
    );
    expect(stored).toHaveLength(1);
    const entry = t.app.services.directory.switchboardsById.get(switchboardId)!;
    expect(entry.operators.get(s.operator.id)).toBe(stored[0]!.status);
  });

  it('N removals of one operator: one 204, the others 404', async () => {
    expect((await putOperator(t, switchboardId, s.operator.id, 'available')).statusCode).toBe(201);
    const responses = await Promise.all(
      Array.from({ length: N }, () =>
        t.call({ method: 'DELETE', url: `/v1/switchboards/${switchboardId}/operators/${s.operator.id}` }),
      ),
    );
    expect(statuses(responses)).toEqual([204, ...Array(N - 1).fill(404)]);
  });

  it('N deletes of the switchboard: one 204, the others 404, and its pilot is free again', async () => {
    const responses = await Promise.all(
      Array.from({ length: N }, () => t.call({ method: 'DELETE', url: `/v1/switchboards/${switchboardId}` })),
    );
    expect(statuses(responses)).toEqual([204, ...Array(N - 1).fill(404)]);
    expect(t.app.services.directory.switchboardsByPilot.has(PILOT_E164)).toBe(false);
    expect((await postSwitchboard(t, s.groupId, switchboardBody(s))).statusCode).toBe(201);
  });
});

/**
 * The same claims made deterministic: a service over the app's database whose store holds every
 * switchboard statement until all N requests have made their checks, as a slow database (or
 * another node) would. Every check then passes, and only the store's own answers (its unique
 * pilot index, whether a put found the row, whether a delete did) can tell the winner.
 */
describe('claims whose checks all pass before any write', () => {
  // Each claim closes the gate, starts its attempts, then opens it.
  let gate = Promise.resolve();
  let openGate = () => {};
  const closeGate = () => {
    gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
  };
  const service = async () => {
    const { store } = t.app.backend;
    const writer = createDirectoryWriter(null);
    writer.load({
      groups: await store.repos.groups.all(),
      vpns: [],
      members: await store.repos.members.all(),
      subgroups: [],
      subgroupMembers: [],
      switchboards: await store.repos.switchboards.all(),
      switchboardExtensions: await store.repos.switchboards.allExtensions(),
      switchboardOperators: await store.repos.switchboards.allOperators(),
    });
    const held = <R extends object>(repo: R): R =>
      Object.fromEntries(
        Object.entries(repo).map(([name, method]) => [
          name,
          async (...args: unknown[]) => {
            await gate;
            return (method as (...a: unknown[]) => unknown)(...args);
          },
        ]),
      ) as R;
    const slowStore: {
      repos: Pick<AppStore['repos'], 'switchboards'>;
      transaction: AppStore['transaction'];
    } = {
      repos: { switchboards: held(store.repos.switchboards) },
      transaction: (work) => store.transaction((tx) => work({ ...tx, switchboards: held(tx.switchboards) })),
    };
    const switchboards = createSwitchboardService({
      store: slowStore,
      groups: { require: () => ({}) as never },
      directory: writer.directory,
      writer,
      clock: t.clock,
    });
    return { switchboards, directory: writer.directory };
  };

  /** Starts every claim, lets the held statements go once all have started, and sorts the outcomes. */
  async function claim<T>(attempts: (() => Promise<T>)[]) {
    closeGate();
    const outcomes = attempts.map((attempt) =>
      attempt().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    );
    openGate();
    const settled = await Promise.all(outcomes);
    return {
      won: settled.flatMap((o) => (o.ok ? [o.value] : [])),
      refused: settled.flatMap((o) => (o.ok ? [] : [o.error])),
    };
  }

  const input = () => ({
    pilotNumber: PILOT_E164,
    greeting: '欢迎致电',
    menu: menuWith(s.wang.id) as Menu,
  });

  it('N creations at one pilot: one switchboard, N - 1 pilot_number_taken 409s (the unique index decides)', async () => {
    const { switchboards, directory } = await service();
    const { won, refused } = await claim(
      Array.from({ length: N }, () => () => switchboards.create(s.groupId, input())),
    );
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(N - 1);
    for (const error of refused) expect(error).toMatchObject({ code: 'pilot_number_taken', status: 409 });
    expect(await rows('SELECT id FROM switchboards')).toEqual([{ id: won[0]!.id }]);
    expect(directory.switchboardsById.size).toBe(1);
  });

  it('N puts of one free extension: exactly one created, and the directory holds the stored holder', async () => {
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    const { switchboards, directory } = await service();
    const members = [s.wang, s.zhang, s.liu];
    const { won } = await claim(
      Array.from({ length: N }, (_, i) => () => switchboards.putExtension(id, '8100', members[i % 3]!.id)),
    );
    expect(won.map((put) => put.created).filter(Boolean)).toHaveLength(1);
    const stored = await rows<{ member_id: string }>(
      'SELECT member_id FROM switchboard_extensions WHERE extension = ?',
      '8100',
    );
    expect(directory.switchboardsById.get(id)!.extensions.get('8100')).toBe(stored[0]!.member_id);
  });

  it('N removals of one extension, operator seat or switchboard: one succeeds, the others are 404', async () => {
    const id = await createSwitchboard(t, s.groupId, switchboardBody(s));
    await putExtension(t, id, '8100', s.zhang.id);
    await putOperator(t, id, s.operator.id, 'available');
    const { switchboards } = await service();
    for (const remove of [
      () => switchboards.removeExtension(id, '8100'),
      () => switchboards.removeOperator(id, s.operator.id),
      () => switchboards.remove(id),
    ]) {
      const { won, refused } = await claim(Array.from({ length: N }, () => remove));
      expect(won).toHaveLength(1);
      for (const error of refused) expect(error).toMatchObject({ code: 'not_found', status: 404 });
    }
  });
});
