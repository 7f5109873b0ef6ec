import { describe, expect, it } from 'vitest';
import {
  allowedConferenceActions,
  answerDialIn,
  applyConferenceAction,
  dueAtMs,
  joinedCount,
  minutesOf,
  readKeys,
} from '../../../../src/engines/conference/index.js';
import { AT, answered, env, HOST, invitee, NUMBERS, ok, room, started, state } from './fixtures.js';

const keysOn = (c: ReturnType<typeof room>, participantId: string, digits: string, nextId = 'new') =>
  applyConferenceAction(
    c,
    { kind: 'keys', participantId, callId: `call-${participantId}`, digits, nextId },
    c.lastAtMs,
    env,
  );

describe('the transition table', () => {
  it('lists what each state takes; an ended room takes only end', () => {
    expect(allowedConferenceActions('scheduled')).toContain('start');
    expect(allowedConferenceActions('scheduled')).not.toContain('leg_answered');
    expect(allowedConferenceActions('active')).toEqual(
      expect.arrayContaining(['keys', 'dial_in', 'leg_left']),
    );
    expect(allowedConferenceActions('ended')).toEqual([]);
  });

  it('start dials the host and every participant and fixes the rate', () => {
    const t = ok(room(), { kind: 'start', fenPerParticipantMinute: 10 });
    expect(t.conference).toMatchObject({ state: 'active', startedAtMs: AT, fenPerParticipantMinute: 10 });
    expect(t.effects.map((e) => e.kind)).toEqual(['dial', 'dial', 'dial']);
    expect(t.events.map((e) => e.type)).toEqual(['started', 'dialing', 'dialing', 'dialing']);
    expect(t.conference.participants.every((p) => p.state === 'dialing')).toBe(true);
  });

  it('never mutates its input', () => {
    const before = started(room());
    const frozen = JSON.stringify(before);
    answered(before, 'host');
    ok(before, { kind: 'mute_all' });
    ok(before, { kind: 'end', cause: 'test' });
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it('leg events before the start are refused: the room has not started', () => {
    const t = answered(room(), 'host');
    expect(t).toMatchObject({ ok: false, code: 'conference_not_active' });
  });

  it('the room clock never runs backwards', () => {
    const c = started(room());
    const t = answered(c, 'host', AT - 60_000);
    expect(t.ok && t.conference.participants[0]!.legs[0]!.joinedAtMs).toBe(AT);
  });
});

describe('legs', () => {
  it('answer joins, with an announcement on the leg', () => {
    const t = answered(started(room()), 'p1');
    expect(t.ok && state(t.conference, 'p1')).toBe('joined');
    expect(t.ok && t.effects).toEqual([
      expect.objectContaining({ kind: 'announce', callId: 'call-p1', type: 'announcement' }),
    ]);
  });

  it('busy, reject and no answer set that state and send the SMS with access number and PIN', () => {
    const c = started(room());
    for (const [response, expected] of [
      ['busy', 'busy'],
      ['reject', 'rejected'],
      ['no_answer', 'no_answer'],
    ] as const) {
      const t = ok(c, { kind: 'leg_unreached', participantId: 'p1', callId: 'call-p1', response });
      expect(state(t.conference, 'p1')).toBe(expected);
      const sms = t.effects.find((e) => e.kind === 'sms');
      expect(sms).toMatchObject({ to: NUMBERS[0], text: expect.stringContaining('95100') });
      expect(sms && 'text' in sms && sms.text).toContain('123456');
    }
  });

  it('a stale leg (another call id) is refused and changes nothing', () => {
    const c = started(room());
    const t = applyConferenceAction(
      c,
      { kind: 'leg_answered', participantId: 'p1', callId: 'other' },
      AT,
      env,
    );
    expect(t).toMatchObject({ ok: false, code: 'stale_leg' });
  });

  it('the last one to leave ends the room; the charge counts started minutes per participant', () => {
    let c = started(room());
    c = ok(c, { kind: 'leg_answered', participantId: 'host', callId: 'call-host' }, AT).conference;
    c = ok(c, { kind: 'leg_answered', participantId: 'p1', callId: 'call-p1' }, AT + 1_000).conference;
    c = ok(c, { kind: 'leg_left', participantId: 'p1', callId: 'call-p1' }, AT + 61_000).conference; // 60 s: 1 min
    expect(c.state).toBe('active');
    const t = ok(c, { kind: 'leg_left', participantId: 'host', callId: 'call-host' }, AT + 90_500); // 91 s: 2 min
    expect(t.conference).toMatchObject({
      state: 'ended',
      endCause: 'last_participant_left',
      participantMinutes: 3,
      chargeFen: 30,
    });
    expect(t.effects).toContainEqual({
      kind: 'write_charge',
      groupId: 'g1',
      participantMinutes: 3,
      chargeFen: 30,
    });
    // The participant still ringing was dropped with the end.
    expect(t.effects).toContainEqual(expect.objectContaining({ kind: 'drop_leg', callId: 'call-p2' }));
    expect(state(t.conference, 'p2')).toBe('no_answer');
  });

  it('endWhenHostLeaves ends the room when the host hangs up', () => {
    let c = { ...room(), endWhenHostLeaves: true };
    c = started(c);
    c = ok(c, { kind: 'leg_answered', participantId: 'host', callId: 'call-host' }).conference;
    c = ok(c, { kind: 'leg_answered', participantId: 'p1', callId: 'call-p1' }).conference;
    const t = ok(c, { kind: 'leg_left', participantId: 'host', callId: 'call-host' });
    expect(t.conference).toMatchObject({ state: 'ended', endCause: 'host_left' });
  });

  it('a full room refuses the answering leg: it hears why and is dropped', () => {
    let c = started(room({ max: 2 }));
    c = ok(c, { kind: 'leg_answered', participantId: 'host', callId: 'call-host' }).conference;
    c = ok(c, { kind: 'leg_answered', participantId: 'p1', callId: 'call-p1' }).conference;
    const t = ok(c, { kind: 'leg_answered', participantId: 'p2', callId: 'call-p2' });
    expect(state(t.conference, 'p2')).toBe('refused');
    expect(joinedCount(t.conference)).toBe(2);
    expect(t.effects).toEqual([
      expect.objectContaining({ kind: 'drop_leg', callId: 'call-p2', cause: 'conference_full' }),
    ]);
  });
});

describe('dial-in', () => {
  it('a scheduled room answers not started with its start; an ended one nothing', () => {
    const scheduled = room({ startAtMs: AT + 3_600_000 });
    expect(answerDialIn(scheduled, NUMBERS[0]!, 'x')).toEqual({
      kind: 'not_started',
      startAtMs: AT + 3_600_000,
    });
    expect(answerDialIn(ok(started(room()), { kind: 'end', cause: 'x' }).conference, HOST, 'x')).toBeNull();
  });

  it('an invited number rejoins as that participant; a stranger is new; full and locked refuse', () => {
    let c = started(room({ max: 3 }));
    c = ok(c, { kind: 'leg_unreached', participantId: 'p1', callId: 'call-p1', response: 'busy' }).conference;
    expect(answerDialIn(c, NUMBERS[0]!, 'new')).toEqual({
      kind: 'join',
      participantId: 'p1',
      role: 'participant',
    });
    expect(answerDialIn(c, '+8613312345678', 'new')).toEqual({
      kind: 'join',
      participantId: 'new',
      role: 'participant',
    });
    const locked = ok(c, { kind: 'lock' }).conference;
    expect(answerDialIn(locked, NUMBERS[0]!, 'new')).toEqual({ kind: 'refused', reason: 'locked' });
    expect(answerDialIn(locked, HOST, 'new')).toEqual({ kind: 'join', participantId: 'host', role: 'host' });
    for (const id of ['host', 'p2'])
      c = ok(c, { kind: 'leg_answered', participantId: id, callId: `call-${id}` }).conference;
    c = ok(c, { kind: 'dial_in', invitee: invitee(NUMBERS[0]!, 'p1'), callId: 'in-1' }).conference;
    expect(joinedCount(c)).toBe(3);
    expect(answerDialIn(c, '+8613312345678', 'new')).toEqual({ kind: 'refused', reason: 'full' });
  });

  it('dialling in while the dial-out still rings takes over and drops the ringing leg', () => {
    const c = started(room());
    const t = ok(c, { kind: 'dial_in', invitee: invitee(NUMBERS[0]!, 'p1'), callId: 'in-1' });
    expect(t.conference.participants.find((p) => p.id === 'p1')).toMatchObject({
      state: 'joined',
      callId: 'in-1',
    });
    expect(t.effects).toContainEqual(expect.objectContaining({ kind: 'drop_leg', callId: 'call-p1' }));
  });
});

describe('control', () => {
  const twoJoined = () => {
    let c = started(room());
    for (const id of ['host', 'p1'])
      c = ok(c, { kind: 'leg_answered', participantId: id, callId: `call-${id}` }).conference;
    return c;
  };

  it('mute_all mutes everyone but the host and announces on the joined legs that changed', () => {
    const t = ok(twoJoined(), { kind: 'mute_all' });
    expect(t.conference.participants.map((p) => [p.id, p.muted])).toEqual([
      ['host', false],
      ['p1', true],
      ['p2', true],
    ]);
    expect(t.effects).toEqual([expect.objectContaining({ kind: 'announce', callId: 'call-p1' })]);
    const again = ok(t.conference, { kind: 'mute_all' });
    expect(again.effects).toEqual([]);
  });

  it('lock refuses adds (409-style refusal) and announces; the add cap counts joined legs', () => {
    const locked = ok(twoJoined(), { kind: 'lock' });
    expect(locked.effects.filter((e) => e.kind === 'announce')).toHaveLength(2);
    const add = applyConferenceAction(
      locked.conference,
      { kind: 'add', invitee: invitee(NUMBERS[3]!) },
      AT,
      env,
    );
    expect(add).toMatchObject({ ok: false, code: 'conference_locked' });
    const small = ok(started(room({ max: 2 })), {
      kind: 'leg_answered',
      participantId: 'host',
      callId: 'call-host',
    });
    const filled = ok(small.conference, { kind: 'leg_answered', participantId: 'p1', callId: 'call-p1' });
    const full = applyConferenceAction(
      filled.conference,
      { kind: 'add', invitee: invitee(NUMBERS[3]!) },
      AT,
      env,
    );
    expect(full).toMatchObject({ ok: false, code: 'conference_full' });
  });

  it('kick drops the leg; the host cannot be kicked; kicking twice changes nothing', () => {
    const t = ok(twoJoined(), { kind: 'kick', participantId: 'p1' });
    expect(state(t.conference, 'p1')).toBe('kicked');
    expect(t.effects).toEqual([
      expect.objectContaining({ kind: 'drop_leg', callId: 'call-p1', cause: 'kicked' }),
    ]);
    expect(
      applyConferenceAction(t.conference, { kind: 'kick', participantId: 'host' }, AT, env),
    ).toMatchObject({
      ok: false,
      code: 'host_cannot_be_removed',
    });
    const again = ok(t.conference, { kind: 'kick', participantId: 'p1' });
    expect(again.events).toEqual([]);
  });

  it('extend moves the planned end; a duration already past is refused', () => {
    const c = ok(twoJoined(), { kind: 'extend', durationMinutes: 30 }, AT + 60_000).conference;
    expect(dueAtMs(c)).toBe(AT + 30 * 60_000);
    expect(applyConferenceAction(c, { kind: 'extend', durationMinutes: 1 }, AT + 120_000, env)).toMatchObject(
      {
        ok: false,
        code: 'duration_too_short',
      },
    );
  });

  it('an ended room: end is a no-op, everything else refused', () => {
    const ended = ok(twoJoined(), { kind: 'end', cause: 'ended_by_api' }).conference;
    const again = ok(ended, { kind: 'end', cause: 'again' });
    expect(again.conference).toBe(ended);
    expect(again.effects).toEqual([]);
    expect(applyConferenceAction(ended, { kind: 'lock' }, AT, env)).toMatchObject({
      ok: false,
      code: 'conference_ended',
    });
  });
});

describe('handset keys', () => {
  const joined = () => {
    let c = started(room());
    for (const id of ['host', 'p1'])
      c = ok(c, { kind: 'leg_answered', participantId: id, callId: `call-${id}` }).conference;
    return c;
  };

  it('reads whole commands and keeps what is not yet one', () => {
    expect(readKeys('*6*8')).toEqual({
      tokens: [
        expect.objectContaining({ kind: 'command', keys: '*6' }),
        expect.objectContaining({ kind: 'command', keys: '*8' }),
      ],
      rest: '',
    });
    expect(readKeys('*5138')).toEqual({ tokens: [], rest: '*5138' });
    expect(readKeys('*513800138000#')).toMatchObject({
      tokens: [{ kind: 'command', number: '13800138000' }],
      rest: '',
    });
    expect(readKeys('12*7*')).toEqual({
      tokens: [
        { kind: 'ignored', keys: '12' },
        { kind: 'unknown', keys: '*7' },
      ],
      rest: '*',
    });
  });

  it('keys split over several presses make one command', () => {
    let c = joined();
    const first = keysOn(c, 'p1', '*');
    c = first.ok ? first.conference : c;
    expect(c.participants.find((p) => p.id === 'p1')?.keys).toBe('*');
    const second = keysOn(c, 'p1', '6');
    expect(second.ok && second.conference.participants.find((p) => p.id === 'p1')?.muted).toBe(true);
  });

  it('a host key from a participant changes nothing but a key_refused on that leg', () => {
    const c = joined();
    const t = keysOn(c, 'p1', '*1');
    expect(t.ok && t.conference.participants.map((p) => p.muted)).toEqual([false, false, false]);
    expect(t.ok && t.effects).toEqual([
      expect.objectContaining({ kind: 'announce', callId: 'call-p1', type: 'key_refused' }),
    ]);
  });

  it('*8 tells the joined count on the leg; *5 number # adds and dials; *9 ends', () => {
    const c = joined();
    const count = keysOn(c, 'p1', '*8');
    expect(count.ok && count.effects).toEqual([
      expect.objectContaining({
        kind: 'announce',
        type: 'joined_count',
        detail: expect.objectContaining({ joinedCount: 2 }),
      }),
    ]);
    const add = keysOn(c, 'host', '*513803110009#', 'p9');
    expect(add.ok && add.effects.map((e) => e.kind)).toEqual(['dial', 'announce']);
    expect(add.ok && state(add.conference, 'p9')).toBe('dialing');
    const end = keysOn(c, 'host', '*9*6');
    expect(end.ok && end.conference).toMatchObject({ state: 'ended', endCause: 'ended_by_host' });
  });
});

describe('minutes', () => {
  it('started minutes of the whole joined time, over every stay', () => {
    const p = {
      ...invitee(HOST),
      role: 'participant' as const,
      state: 'left' as const,
      muted: false,
      callId: null,
      joinedAtMs: 0,
      leftAtMs: 0,
      cause: null,
      keys: '',
      legs: [
        { callId: 'a', joinedAtMs: 0, leftAtMs: 30_000 },
        { callId: 'b', joinedAtMs: 100_000, leftAtMs: 130_001 },
      ],
    };
    expect(minutesOf(p)).toBe(2); // 60.001 s → 61 s → 2 minutes
    expect(minutesOf({ ...p, legs: [] })).toBe(0);
  });
});
