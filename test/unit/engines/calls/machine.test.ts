import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  applyCallAction,
  CALL_ACTIONS,
  type Call,
  type CallEnvironment,
  type CallInput,
  MAX_PIN_ATTEMPTS,
  startCall,
} from '../../../../src/engines/calls/index.js';
import { decideRoute } from '../../../../src/engines/vpn/route.js';
import type { RoutingDirectory } from '../../../../src/store/routing-directory/index.js';
import { AT, CONTEXT, request, scenario } from '../vpn/fixtures.js';

function environment(directory: RoutingDirectory, open = true): CallEnvironment {
  return {
    switchboard: (id) => directory.switchboardsById.get(id),
    member: (id) => directory.membersById.get(id),
    memberByMsisdn: (msisdn) => directory.membersByMsisdn.get(msisdn),
    ringbackFor: (member) => ({ policyId: `rb-${member.id}`, toneIds: ['tone-1'], playback: 'single' }),
    isOpen: () => open,
  };
}

function start(directory: RoutingDirectory, from: string, to: string, env = environment(directory)) {
  return startCall('call-1', decideRoute(directory, request(from, to), CONTEXT), AT, env);
}

describe('starting a call', () => {
  it('a member call rings with the callee ringback from the decision and alerts the callee', () => {
    const s = scenario();
    const { call, effects } = start(s.directory, s.members.alice.msisdn, '6202');
    expect(call.state).toBe('ringing');
    expect(call.events.map((e) => e.type)).toEqual(['routed', 'ringing']);
    expect(effects).toEqual([
      { kind: 'alert', party: { msisdn: s.members.bob.msisdn, memberId: 'bob', groupId: 'acme' } },
    ]);
  });

  it('a pilot answers with the greeting (after hours when closed) and the menu prompt', () => {
    const s = scenario();
    s.switchboard.afterHoursGreeting = 'We are closed';
    const open = start(s.directory, s.members.heidi.msisdn, s.switchboard.pilotNumber);
    expect(open.call).toMatchObject({ state: 'in_ivr', switchboardId: 'sb-acme', answeredAtMs: AT });
    expect(open.call.events.map((e) => [e.type, e.text])).toEqual([
      ['routed', undefined],
      ['answered', undefined],
      ['greeting', 'Welcome'],
      ['prompt', s.switchboard.menu.prompt],
    ]);
    const closed = startCall(
      'call-2',
      decideRoute(s.directory, request(s.members.heidi.msisdn, s.switchboard.pilotNumber), CONTEXT),
      AT,
      environment(s.directory, false),
    );
    expect(closed.call.events[2]).toMatchObject({
      type: 'greeting',
      text: 'We are closed',
      afterHours: true,
    });
  });

  it('a refused call ends at once with one CDR effect', () => {
    const s = scenario();
    const { call, effects } = start(s.directory, s.members.ivan.msisdn, '01012345678');
    expect(call.state).toBe('ended');
    expect(effects).toEqual([{ kind: 'write_cdr' }]);
  });
});

describe('the switchboard through the machine', () => {
  it('extension digits ring the extension member with her ringback; busy falls back to the queue', () => {
    const s = scenario();
    const env = environment(s.directory);
    const { call } = start(s.directory, s.members.heidi.msisdn, s.switchboard.pilotNumber);
    const keyed = applyCallAction(call, { action: 'dtmf', digits: '801' }, AT + 5_000, env);
    if (!keyed.ok) throw new Error(keyed.detail);
    expect(keyed.call).toMatchObject({ state: 'ringing', target: { memberId: 'alice' } });
    expect(keyed.call.events.at(-1)).toMatchObject({
      type: 'ringing',
      extension: '801',
      ringback: { policyId: 'rb-alice' },
    });
    const busy = applyCallAction(keyed.call, { action: 'busy' }, AT + 9_000, env);
    if (!busy.ok) throw new Error(busy.detail);
    expect(busy.call.state).toBe('queued');
    expect(busy.call.events.map((e) => e.type).slice(-4)).toEqual([
      'busy',
      'announcement',
      'fallback',
      'queued',
    ]);
    const hungUp = { ...s.switchboard, fallback: 'hangup' as const };
    const hangupEnv = { ...env, switchboard: () => hungUp };
    const ended = applyCallAction(keyed.call, { action: 'no_answer' }, AT + 9_000, hangupEnv);
    expect(ended.ok && ended.call.state).toBe('ended');
  });

  it('an operator transfers a queued call; unknown targets are refused without a change', () => {
    const s = scenario();
    const env = environment(s.directory);
    const { call } = start(s.directory, s.members.heidi.msisdn, s.switchboard.pilotNumber);
    const queued = applyCallAction(call, { action: 'dtmf', digits: '0' }, AT, env);
    if (!queued.ok) throw new Error('not queued');
    expect(queued.call.state).toBe('queued');
    const bad = applyCallAction(queued.call, { action: 'transfer', target: { extension: '999' } }, AT, env);
    expect(bad).toMatchObject({ ok: false, code: 'transfer_target_invalid', path: 'target.extension' });
    const outsider = applyCallAction(
      queued.call,
      { action: 'transfer', target: { memberId: 'frank' } },
      AT,
      env,
    );
    expect(outsider).toMatchObject({ ok: false, code: 'transfer_target_invalid' });
    const ok = applyCallAction(queued.call, { action: 'transfer', target: { memberId: 'bob' } }, AT, env);
    expect(ok.ok && ok.call.state).toBe('ringing');
  });

  it('a conference dial-in with no conference ends after three wrong PINs', () => {
    const s = scenario();
    const env = environment(s.directory);
    let { call } = start(s.directory, s.members.heidi.msisdn, '95123');
    expect(call).toMatchObject({ state: 'in_ivr', ivr: { kind: 'conference_pin' } });
    for (let i = 1; i <= MAX_PIN_ATTEMPTS; i++) {
      const next = applyCallAction(call, { action: 'dtmf', digits: '1234#' }, AT + i, env);
      if (!next.ok) throw new Error(next.detail);
      call = next.call;
      expect(call.state).toBe(i < MAX_PIN_ATTEMPTS ? 'in_ivr' : 'ended');
    }
    expect(call.endCause).toBe('wrong_pin');
  });
});

describe('properties of the machine', () => {
  const action: fc.Arbitrary<CallInput> = fc.oneof(
    fc
      .constantFrom(...CALL_ACTIONS.filter((a) => a !== 'dtmf' && a !== 'transfer'))
      .map((a) => ({ action: a }) as CallInput),
    fc
      .constantFrom('0', '801', '1', '7', '1234#', '*6')
      .map((digits) => ({ action: 'dtmf', digits }) as CallInput),
    fc
      .constantFrom({ extension: '801' }, { memberId: 'bob' }, { memberId: 'frank' })
      .map((target) => ({ action: 'transfer', target }) as CallInput),
  );
  const dialled = (s: ReturnType<typeof scenario>) => [
    [s.members.alice.msisdn, '6202'],
    [s.members.heidi.msisdn, s.switchboard.pilotNumber],
    [s.members.heidi.msisdn, '95123'],
    [s.members.alice.msisdn, '01012345678'],
    [s.members.ivan.msisdn, '6202'],
  ];

  it('ended takes nothing; one CDR per ended call; events in time order; inputs never mutated', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.tuple(action, fc.integer({ min: -5_000, max: 90_000 })), { maxLength: 25 }),
        (which, steps) => {
          const s = scenario();
          const env = environment(s.directory);
          const [from, to] = dialled(s)[which]!;
          const started = start(s.directory, from!, to!, env);
          let call: Call = started.call;
          let cdrEffects = started.effects.filter((e) => e.kind === 'write_cdr').length;
          let at = AT;
          for (const [input, delta] of steps) {
            const before = structuredClone(call);
            const result = applyCallAction(call, input, at + delta, env);
            expect(call).toEqual(before);
            if (call.state === 'ended') {
              expect(result).toMatchObject({ ok: false, code: 'call_action_not_allowed' });
              continue;
            }
            if (!allowedActions(call.state).includes(input.action)) {
              expect(result).toMatchObject({ ok: false, code: 'call_action_not_allowed' });
              continue;
            }
            if (delta < 0) {
              expect(result).toMatchObject({ ok: false, code: 'call_time_regressed' });
              continue;
            }
            if (!result.ok) {
              expect(result.code).toBe('transfer_target_invalid');
              continue;
            }
            at += delta;
            cdrEffects += result.effects.filter((e) => e.kind === 'write_cdr').length;
            call = result.call;
          }
          expect(cdrEffects).toBe(call.state === 'ended' ? 1 : 0);
          const times = call.events.map((e) => Date.parse(e.at));
          expect([...times].sort((a, b) => a - b)).toEqual(times);
          if (call.answeredAtMs !== null && call.endedAtMs !== null) {
            expect(call.endedAtMs).toBeGreaterThanOrEqual(call.answeredAtMs);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
