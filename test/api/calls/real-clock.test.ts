import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { testConfig } from '../../../src/config.js';
import { realClock } from '../../../src/domain/clock.js';
import { ADMIN_KEY, type TestApp } from '../../helpers/app.js';
import { NUMBERS } from '../vpn/fixtures.js';
import { newCall, setBehaviour, vpnPair } from './setup.js';

/**
 * With CLOCK=real a subscriber's delayed answer runs on a real timer. Fake timers stand in for
 * the wall clock, so the test is deterministic and takes no real time.
 */
describe('subscriber behaviours on the real clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a delayed answer fires from a timer, and a hang-up before it cancels the timer', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'Date'],
      now: Date.parse('2026-11-24T09:00:00+08:00'),
    });
    const app = await buildApp({ config: testConfig({ clock: 'real' }), clock: realClock() });
    const t: TestApp = {
      app,
      clock: undefined as never,
      call: ({ key, headers, ...options }) =>
        app.inject({ ...options, headers: { authorization: `Bearer ${key ?? ADMIN_KEY}`, ...headers } }),
      sql: () => Promise.reject(new Error('not used here')),
      close: () => app.close(),
    };
    try {
      await vpnPair(t);
      await setBehaviour(t, NUMBERS.li, 'answer', 5);
      const call = await newCall(t, { from: NUMBERS.wang, to: '602' });
      expect(call.state).toBe('ringing');
      const state = async (id: string) =>
        (await t.call({ method: 'GET', url: `/v1/calls/${id}` })).json().state;
      vi.advanceTimersByTime(4_999);
      expect(await state(call.id)).toBe('ringing');
      vi.advanceTimersByTime(1);
      expect(await state(call.id)).toBe('connected');

      const abandoned = await newCall(t, { from: NUMBERS.wang, to: '602' });
      await t.call({
        method: 'POST',
        url: `/v1/calls/${abandoned.id}/actions`,
        payload: { action: 'hangup' },
      });
      expect(vi.getTimerCount()).toBe(0);
      // POST /v1/sim/clock refuses to move a real clock.
      const move = await t.call({ method: 'POST', url: '/v1/sim/clock', payload: { advanceSeconds: 1 } });
      expect(move.statusCode).toBe(409);
    } finally {
      await app.close();
    }
  });
});
