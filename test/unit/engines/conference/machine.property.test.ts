import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyConferenceAction,
  type Conference,
  type ConferenceAction,
  type ConferenceEffect,
  joinedCount,
} from '../../../../src/engines/conference/index.js';
import { AT, env, HOST, invitee, NUMBERS, room } from './fixtures.js';

/**
 * Whatever sequence of actions (API, legs, dial-ins, handset keys, in any order, at any times):
 * joined participants never exceed the cap, every joined participant has exactly one open stay,
 * and an ended conference takes nothing: `end` returns it unchanged with no effects, anything
 * else is refused.
 */

const POOL = [HOST, ...NUMBERS, '+8613312345678'];

/** An action in terms of indexes, made concrete against the room as it stands. */
type Step =
  | { op: 'start' | 'mute_all' | 'unmute_all' | 'lock' | 'unlock' | 'end' }
  | { op: 'add' | 'dial_in'; who: number }
  | { op: 'kick' | 'mute' | 'answer' | 'unreached' | 'leave' | 'stale'; who: number }
  | { op: 'keys'; who: number; digits: string }
  | { op: 'extend'; minutes: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('start') }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constantFrom('mute_all', 'unmute_all', 'lock', 'unlock') }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('end') }), weight: 1 },
  {
    arbitrary: fc.record({ op: fc.constantFrom('add', 'dial_in'), who: fc.nat(POOL.length - 1) }),
    weight: 5,
  },
  { arbitrary: fc.record({ op: fc.constant('answer'), who: fc.nat(10) }), weight: 8 },
  {
    arbitrary: fc.record({
      op: fc.constantFrom('kick', 'mute', 'unreached', 'leave', 'stale'),
      who: fc.nat(10),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('keys'),
      who: fc.nat(10),
      digits: fc.constantFrom(
        '*6',
        '*8',
        '*1',
        '*2',
        '*3',
        '*4',
        '*9',
        '*5',
        '13312345679#',
        '*513803110006#',
        '*',
        '7',
      ),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ op: fc.constant('extend'), minutes: fc.integer({ min: 1, max: 120 }) }),
    weight: 1,
  },
) as fc.Arbitrary<Step>;

let calls = 0;

function concrete(c: Conference, s: Step): ConferenceAction {
  const pick = (i: number) => c.participants[i % c.participants.length]!;
  switch (s.op) {
    case 'start':
      return { kind: 'start', fenPerParticipantMinute: 10 };
    case 'mute_all':
    case 'unmute_all':
    case 'lock':
    case 'unlock':
      return { kind: s.op };
    case 'end':
      return { kind: 'end', cause: 'property' };
    case 'extend':
      return { kind: 'extend', durationMinutes: s.minutes };
    case 'add':
      return { kind: 'add', invitee: invitee(POOL[s.who]!, `a${++calls}`) };
    case 'dial_in': {
      const msisdn = POOL[s.who]!;
      const known = c.participants.find((p) => p.msisdn === msisdn && p.state !== 'joined');
      return {
        kind: 'dial_in',
        invitee: invitee(msisdn, known?.id ?? `d${++calls}`),
        callId: `in-${++calls}`,
      };
    }
    case 'kick':
      return { kind: 'kick', participantId: pick(s.who).id };
    case 'mute':
      return { kind: 'set_muted', participantId: pick(s.who).id, muted: !pick(s.who).muted };
    case 'answer': {
      const p = pick(s.who);
      return { kind: 'leg_answered', participantId: p.id, callId: p.callId ?? 'none' };
    }
    case 'unreached': {
      const p = pick(s.who);
      return { kind: 'leg_unreached', participantId: p.id, callId: p.callId ?? 'none', response: 'busy' };
    }
    case 'leave': {
      const p = pick(s.who);
      return { kind: 'leg_left', participantId: p.id, callId: p.callId ?? 'none' };
    }
    case 'stale':
      return { kind: 'leg_answered', participantId: pick(s.who).id, callId: 'stale-call' };
    case 'keys': {
      const p = pick(s.who);
      return {
        kind: 'keys',
        participantId: p.id,
        callId: p.callId ?? 'none',
        digits: s.digits,
        nextId: `k${++calls}`,
      };
    }
  }
}

/** Places each dial-out leg, as the service does after a `dial` effect. */
function placeLegs(c: Conference, effects: ConferenceEffect[], atMs: number): Conference {
  let current = c;
  for (const effect of effects) {
    if (effect.kind !== 'dial') continue;
    const t = applyConferenceAction(
      current,
      { kind: 'leg_dialled', participantId: effect.participantId, callId: `out-${++calls}` },
      atMs,
      env,
    );
    if (t.ok) current = t.conference;
  }
  return current;
}

function checkInvariants(c: Conference): void {
  expect(joinedCount(c)).toBeLessThanOrEqual(c.maxParticipants);
  for (const p of c.participants) {
    const open = p.legs.filter((leg) => leg.leftAtMs === null).length;
    expect(open, `${p.id} ${p.state} open stays`).toBe(p.state === 'joined' ? 1 : 0);
    for (const leg of p.legs)
      if (leg.leftAtMs !== null) expect(leg.leftAtMs).toBeGreaterThanOrEqual(leg.joinedAtMs);
  }
  if (c.state === 'ended') {
    expect(joinedCount(c)).toBe(0);
    expect(c.chargeFen).toBe((c.participantMinutes ?? 0) * (c.fenPerParticipantMinute ?? 0));
  }
}

describe('the conference room, whatever happens', () => {
  it('never has more joined than the cap, keeps stays consistent, and once ended takes nothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.array(fc.tuple(stepArb, fc.integer({ min: -5_000, max: 120_000 })), {
          minLength: 5,
          maxLength: 80,
          size: '+2',
        }),
        (max, steps) => {
          let c = room({ max, participants: NUMBERS.slice(0, Math.min(max - 1, 3)) });
          let atMs = AT;
          for (const [step, dt] of steps) {
            atMs += dt;
            const action = concrete(c, step);
            const t = applyConferenceAction(c, action, atMs, env);
            if (c.state === 'ended') {
              if (t.ok) {
                expect(action.kind).toBe('end');
                expect(t.conference).toBe(c);
                expect(t.effects).toEqual([]);
                expect(t.events).toEqual([]);
              } else {
                expect(t.code).toBe('conference_ended');
              }
              continue;
            }
            if (!t.ok) continue;
            expect(t.conference.lastAtMs).toBeGreaterThanOrEqual(c.lastAtMs);
            c = placeLegs(t.conference, t.effects, atMs);
            checkInvariants(c);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('two answers racing for the last seat: exactly one joins, whichever order', () => {
    fc.assert(
      fc.property(fc.boolean(), (p2First) => {
        let c = room({ max: 2, participants: NUMBERS.slice(0, 2) });
        c = placeLegs(...startedWith(c));
        c = applyOk(c, { kind: 'leg_answered', participantId: 'host', callId: callOf(c, 'host') });
        const order = p2First ? ['p2', 'p1'] : ['p1', 'p2'];
        for (const id of order)
          c = applyOk(c, { kind: 'leg_answered', participantId: id, callId: callOf(c, id) });
        expect(joinedCount(c)).toBe(2);
        expect(c.participants.find((p) => p.id === order[0])?.state).toBe('joined');
        expect(c.participants.find((p) => p.id === order[1])?.state).toBe('refused');
      }),
    );
  });
});

function startedWith(c: Conference): [Conference, ConferenceEffect[], number] {
  const t = applyConferenceAction(c, { kind: 'start', fenPerParticipantMinute: 10 }, AT, env);
  if (!t.ok) throw new Error(t.detail);
  return [t.conference, t.effects, AT];
}

function applyOk(c: Conference, action: ConferenceAction): Conference {
  const t = applyConferenceAction(c, action, AT, env);
  if (!t.ok) throw new Error(t.detail);
  return t.conference;
}

const callOf = (c: Conference, id: string) => c.participants.find((p) => p.id === id)!.callId!;
