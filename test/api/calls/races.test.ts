import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, T0, type TestApp } from '../../helpers/app.js';
import { NUMBERS } from '../vpn/fixtures.js';
import { act, cdrsOf, iso, newCall, step, vpnPair } from './setup.js';

/**
 * Requests racing on one call. Each call moves in memory with nothing awaited between reading
 * it and moving it, and its writes are queued in order: one of N hang-ups ends the call, the
 * others find it ended (409), and the call has one CDR.
 */

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('one call, many requests at once', () => {
  it('eight hang-ups of one connected call: one 200, seven 409, one CDR', async () => {
    const { groupId } = await vpnPair(t);
    const call = await newCall(t, { from: NUMBERS.wang, to: '602', at: iso(T0) });
    await step(t, call.id, { action: 'answer', at: iso(T0 + 1_000) });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => act(t, call.id, { action: 'hangup', at: iso(T0 + 61_000) })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409)) {
      expect(r.json().code).toBe('call_action_not_allowed');
    }
    const ended = results.find((r) => r.statusCode === 200)!.json();
    expect(ended.state).toBe('ended');
    const cdrs = await cdrsOf(t, `?groupId=${groupId}`);
    expect(cdrs.filter((c) => c.callId === call.id)).toHaveLength(1);
    expect(cdrs[0]).toMatchObject({ id: ended.cdrId, billableSeconds: 60 });
    const read = (await t.call({ method: 'GET', url: `/v1/calls/${call.id}` })).json();
    expect(read).toEqual(ended);
  });

  it('an answer and hang-ups at once on a ringing call: each is applied to the state the one before left', async () => {
    await vpnPair(t);
    const call = await newCall(t, { from: NUMBERS.wang, to: '602', at: iso(T0) });
    const results = await Promise.all([
      act(t, call.id, { action: 'answer', at: iso(T0 + 1_000) }),
      act(t, call.id, { action: 'hangup', at: iso(T0 + 2_000) }),
      act(t, call.id, { action: 'hangup', at: iso(T0 + 3_000) }),
    ]);
    // In arrival order: answered, then hung up; the third finds it ended.
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 409]);
    const read = (await t.call({ method: 'GET', url: `/v1/calls/${call.id}` })).json();
    expect(read.state).toBe('ended');
    expect(read.events.map((e: { type: string }) => e.type).slice(-3)).toEqual([
      'answered',
      'hangup',
      'ended',
    ]);
    const [stored] = await t.sql<{ n: number }>('SELECT count(*) AS n FROM cdrs WHERE call_id = ?', call.id);
    expect(Number(stored?.n)).toBe(1);
  });
});
