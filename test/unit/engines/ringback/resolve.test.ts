import { describe, expect, it } from 'vitest';
import { nationalCalendar } from '../../../../src/domain/calendar/national-calendar.js';
import { compileGroupRingback, resolveRingback } from '../../../../src/engines/ringback/index.js';
import { at, callee, NO_CALENDAR, policy } from './fixtures.js';

const SH = 'Asia/Shanghai';
const alice = callee('m-alice', '销售部', ['sg-field']);

function winnerAt(
  policies: Parameters<typeof compileGroupRingback>[0],
  localIso: string,
  zone = SH,
  who = alice,
) {
  const compiled = compileGroupRingback(policies, nationalCalendar(), zone);
  return resolveRingback(compiled, who, at(localIso, zone))?.policyId ?? null;
}

describe('time strategy (分时策略)', () => {
  const policies = [
    policy('work', 1, { schedule: { weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } }),
    policy('after', 2, { schedule: { start: '18:00', end: '09:00' } }),
  ];

  it('plays the work-hours tone inside working hours and the after-hours tone outside', () => {
    expect(winnerAt(policies, '2026-03-02T09:00')).toBe('work'); // Monday, start inclusive
    expect(winnerAt(policies, '2026-03-02T17:59:59')).toBe('work');
    expect(winnerAt(policies, '2026-03-02T18:00')).toBe('after'); // end exclusive
    expect(winnerAt(policies, '2026-03-03T08:59')).toBe('after'); // tail of Monday's window
    expect(winnerAt(policies, '2026-03-07T12:00')).toBeNull(); // Saturday noon: no window
  });

  it('falls back to an unscheduled policy when no scheduled one matches', () => {
    const withDefault = [...policies, policy('default', 0)];
    expect(winnerAt(withDefault, '2026-03-07T12:00')).toBe('default');
    expect(winnerAt(withDefault, '2026-03-02T10:00')).toBe('work'); // scheduled beats unscheduled
  });

  it('gives a midnight-crossing window to the weekday it starts on', () => {
    const friNight = [policy('fri-night', 1, { schedule: { weekdays: [5], start: '22:00', end: '02:00' } })];
    expect(winnerAt(friNight, '2026-03-06T23:00')).toBe('fri-night'); // Friday 23:00
    expect(winnerAt(friNight, '2026-03-07T01:00')).toBe('fri-night'); // Saturday 01:00
    expect(winnerAt(friNight, '2026-03-07T02:00')).toBeNull(); // end exclusive
    expect(winnerAt(friNight, '2026-03-07T23:00')).toBeNull(); // Saturday 23:00
    expect(winnerAt(friNight, '2026-03-06T01:00')).toBeNull(); // Friday 01:00 belongs to Thursday
  });

  it('reads start without end as until midnight and end without start as from midnight', () => {
    const evening = [policy('evening', 1, { schedule: { start: '20:00' } })];
    expect(winnerAt(evening, '2026-03-02T23:59')).toBe('evening');
    expect(winnerAt(evening, '2026-03-03T00:00')).toBeNull();
    const morning = [policy('morning', 1, { schedule: { end: '06:00' } })];
    expect(winnerAt(morning, '2026-03-02T00:00')).toBe('morning');
    expect(winnerAt(morning, '2026-03-02T06:00')).toBeNull();
  });

  it('bounds a schedule by its dates, inclusive', () => {
    const campaign = [policy('campaign', 1, { schedule: { dateFrom: '2026-06-01', dateTo: '2026-06-30' } })];
    expect(winnerAt(campaign, '2026-05-31T23:59')).toBeNull();
    expect(winnerAt(campaign, '2026-06-01T00:00')).toBe('campaign');
    expect(winnerAt(campaign, '2026-06-30T23:59')).toBe('campaign');
    expect(winnerAt(campaign, '2026-07-01T00:00')).toBeNull();
  });

  it('bounds a midnight-crossing window by the date it starts on', () => {
    const nye = [
      policy('nye', 1, {
        schedule: { dateFrom: '2026-12-31', dateTo: '2026-12-31', start: '20:00', end: '03:00' },
      }),
    ];
    expect(winnerAt(nye, '2027-01-01T02:30')).toBe('nye');
    expect(winnerAt(nye, '2026-12-31T02:30')).toBeNull();
  });
});

describe('group strategy (分组策略)', () => {
  const bob = callee('m-bob', '研发部', ['sg-field']);
  const carol = callee('m-carol', '销售部');
  const dave = callee('m-dave', '财务部');
  const policies = [
    policy('everyone', 1),
    policy('sales', 2, { appliesTo: { departments: ['销售部'] } }),
    policy('field', 3, { appliesTo: { subgroupIds: ['sg-field'] } }),
    policy('alice', 4, { appliesTo: { memberIds: ['m-alice'] } }),
  ];
  const compiled = compileGroupRingback(policies, NO_CALENDAR, SH);
  const noon = at('2026-03-02T12:00');
  const won = (who: typeof alice) => resolveRingback(compiled, who, noon)?.policyId;

  it('gives each member the most specific policy that names them', () => {
    expect(won(alice)).toBe('alice'); // member id beats her department and sub-group
    expect(won(bob)).toBe('field'); // sub-group
    expect(won(carol)).toBe('sales'); // department
    expect(won(dave)).toBe('everyone');
  });

  it('ranks sub-group and department alike: priority, then the newest decides', () => {
    const both = callee('m-erin', '销售部', ['sg-field']);
    expect(won(both)).toBe('field'); // same tier, same priority: newer
    const boosted = compileGroupRingback(
      [policies[0]!, { ...policies[1]!, priority: 5 }, policies[2]!],
      NO_CALENDAR,
      SH,
    );
    expect(resolveRingback(boosted, both, noon)?.policyId).toBe('sales');
  });

  it('ranks a scheduled policy over an unscheduled one of the same audience, before priority', () => {
    const ps = [
      policy('plain', 1, { priority: 9, appliesTo: { departments: ['销售部'] } }),
      policy('timed', 2, { appliesTo: { departments: ['销售部'] }, schedule: { weekdays: [1] } }),
    ];
    expect(winnerAt(ps, '2026-03-02T12:00', SH, carol)).toBe('timed'); // Monday
    expect(winnerAt(ps, '2026-03-03T12:00', SH, carol)).toBe('plain'); // Tuesday
  });

  it('matches a policy naming both members and a department by the more specific part', () => {
    const mixed = policy('mixed', 1, { appliesTo: { memberIds: ['m-dave'], departments: ['销售部'] } });
    const teamTone = policy('team', 2, { appliesTo: { departments: ['销售部'] } });
    const daveTone = policy('dave-dept', 3, { appliesTo: { departments: ['财务部'] } });
    const c = compileGroupRingback([mixed, teamTone, daveTone], NO_CALENDAR, SH);
    expect(resolveRingback(c, dave, noon)?.policyId).toBe('mixed'); // member match
    expect(resolveRingback(c, carol, noon)?.policyId).toBe('team'); // department tie: newer
  });

  it('accepts sub-group ids as any iterable', () => {
    const viaArray = { id: 'm-bob', department: null, subgroupIds: ['sg-field'] };
    expect(resolveRingback(compiled, viaArray, noon)?.policyId).toBe('field');
  });
});

describe('calendar: public holidays and 调休 make-up days', () => {
  const policies = [
    policy('workday', 1, { schedule: { calendar: 'workdays', start: '08:00', end: '20:00' } }),
    policy('holiday', 2, { schedule: { calendar: 'holidays' } }),
  ];

  it('treats 2026-10-01 (National Day, a Thursday) as a day off', () => {
    expect(winnerAt(policies, '2026-10-01T10:00')).toBe('holiday');
    expect(winnerAt(policies, '2026-09-30T10:00')).toBe('workday');
  });

  it('treats the make-up Saturday 2026-10-10 as a working day', () => {
    expect(nationalCalendar().workdays).toContain('2026-10-10');
    expect(winnerAt(policies, '2026-10-10T10:00')).toBe('workday');
    expect(winnerAt(policies, '2026-10-17T10:00')).toBe('holiday'); // an ordinary Saturday
    // A weekday rule alone does not know about 调休.
    const monToFri = [policy('mon-fri', 1, { schedule: { weekdays: [1, 2, 3, 4, 5] } })];
    expect(winnerAt(monToFri, '2026-10-10T10:00')).toBeNull();
  });

  it('uses the group calendar it was compiled with, not the national one', () => {
    const own = compileGroupRingback(policies, { holidays: ['2026-03-02'], workdays: ['2026-03-07'] }, SH);
    expect(resolveRingback(own, alice, at('2026-03-02T10:00'))?.policyId).toBe('holiday');
    expect(resolveRingback(own, alice, at('2026-03-07T10:00'))?.policyId).toBe('workday');
  });

  it('gives the tail of a midnight-crossing window to the calendar day it started on', () => {
    const nights = [
      policy('holiday-night', 1, { schedule: { calendar: 'holidays', start: '22:00', end: '02:00' } }),
    ];
    expect(winnerAt(nights, '2026-10-07T23:00')).toBe('holiday-night'); // last day of the holiday
    expect(winnerAt(nights, '2026-10-08T01:00')).toBe('holiday-night'); // still 10-07's window
    expect(winnerAt(nights, '2026-10-08T23:00')).toBeNull(); // Thursday, a working day
    expect(winnerAt(nights, '2026-10-01T01:00')).toBeNull(); // 09-30's window, a working day
  });
});

describe('time zones', () => {
  const policies = [
    policy('late', 1, { schedule: { weekdays: [3], start: '23:00' } }),
    policy('national-day', 2, { schedule: { dateFrom: '2026-10-01', dateTo: '2026-10-01', end: '01:00' } }),
  ];
  const compiled = compileGroupRingback(policies, nationalCalendar(), SH);

  it('reads the group local day in Asia/Shanghai when UTC is still on the previous day', () => {
    // 2026-09-30T15:59Z is Wednesday 23:59 in Shanghai; 16:00Z is Thursday 2026-10-01 00:00.
    expect(resolveRingback(compiled, alice, Date.UTC(2026, 8, 30, 15, 59))?.policyId).toBe('late');
    expect(resolveRingback(compiled, alice, Date.UTC(2026, 8, 30, 16, 0))?.policyId).toBe('national-day');
    expect(resolveRingback(compiled, alice, Date.UTC(2026, 8, 30, 17, 0))).toBeNull(); // 01:00 local
  });

  it('follows America/New_York across the spring-forward gap', () => {
    const ny = 'America/New_York';
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT at 07:00Z.
    const c = compileGroupRingback(
      [policy('early', 1, { schedule: { start: '03:00', end: '04:00' } })],
      NO_CALENDAR,
      ny,
    );
    expect(resolveRingback(c, alice, Date.UTC(2026, 2, 8, 6, 59, 59))).toBeNull(); // 01:59:59 EST
    expect(resolveRingback(c, alice, Date.UTC(2026, 2, 8, 7, 0))?.policyId).toBe('early'); // 03:00 EDT
    expect(resolveRingback(c, alice, Date.UTC(2026, 2, 8, 7, 59))?.policyId).toBe('early'); // 03:59 EDT
    expect(resolveRingback(c, alice, Date.UTC(2026, 2, 8, 8, 0))).toBeNull(); // 04:00 EDT
    // The day before, 03:00 local is 08:00Z.
    expect(resolveRingback(c, alice, Date.UTC(2026, 2, 7, 8, 0))?.policyId).toBe('early');
  });

  it('matches the repeated hour twice when Europe/London falls back', () => {
    const london = 'Europe/London';
    // 2026-10-25: 02:00 BST falls back to 01:00 GMT at 01:00Z; 01:00–02:00 local happens twice.
    const c = compileGroupRingback(
      [policy('one-am', 1, { schedule: { weekdays: [7], start: '01:00', end: '02:00' } })],
      NO_CALENDAR,
      london,
    );
    expect(resolveRingback(c, alice, Date.UTC(2026, 9, 24, 23, 59))).toBeNull(); // 00:59 BST
    expect(resolveRingback(c, alice, Date.UTC(2026, 9, 25, 0, 30))?.policyId).toBe('one-am'); // 01:30 BST
    expect(resolveRingback(c, alice, Date.UTC(2026, 9, 25, 1, 30))?.policyId).toBe('one-am'); // 01:30 GMT
    expect(resolveRingback(c, alice, Date.UTC(2026, 9, 25, 2, 0))).toBeNull(); // 02:00 GMT
  });

  it('refuses an unknown zone', () => {
    expect(() => compileGroupRingback([], NO_CALENDAR, 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('basics', () => {
  it('ignores a disabled policy', () => {
    const ps = [
      policy('old', 1),
      policy('new', 2, { enabled: false, appliesTo: { memberIds: ['m-alice'] } }),
    ];
    expect(winnerAt(ps, '2026-03-02T12:00')).toBe('old');
  });

  it('answers null when nothing applies', () => {
    expect(winnerAt([], '2026-03-02T12:00')).toBeNull();
    expect(
      winnerAt([policy('other', 1, { appliesTo: { memberIds: ['m-zoe'] } })], '2026-03-02T12:00'),
    ).toBeNull();
  });

  it('returns the tones and playback of the winner', () => {
    const compiled = compileGroupRingback(
      [policy('rotation', 1, { toneIds: ['t1', 't2', 't3'], playback: 'loop' })],
      NO_CALENDAR,
      SH,
    );
    expect(resolveRingback(compiled, alice, 0)).toEqual({
      policyId: 'rotation',
      toneIds: ['t1', 't2', 't3'],
      playback: 'loop',
    });
  });

  it('prefers higher priority, then the newest', () => {
    expect(
      winnerAt([policy('a', 1, { priority: 2 }), policy('b', 2, { priority: 1 })], '2026-03-02T12:00'),
    ).toBe('a');
    expect(winnerAt([policy('a', 1), policy('b', 2)], '2026-03-02T12:00')).toBe('b');
  });

  it('refuses a policy with an unreadable time at compile time', () => {
    expect(() =>
      compileGroupRingback([policy('x', 1, { schedule: { start: '25:00' } })], NO_CALENDAR, SH),
    ).toThrow(/schedule\.start/);
  });
});
