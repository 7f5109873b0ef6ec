import { describe, expect, it } from 'vitest';
import { nationalCalendar } from '../../../../src/domain/calendar/national-calendar.js';
import { compileGroupRingback, explainRingback } from '../../../../src/engines/ringback/index.js';
import { at, callee, policy } from './fixtures.js';

const alice = callee('m-alice', '销售部', ['sg-field']);
const policies = [
  policy('everyone', 1),
  policy('sales-work', 2, {
    name: '销售部工作时间',
    appliesTo: { departments: ['销售部'] },
    schedule: { weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' },
  }),
  policy('field', 3, {
    appliesTo: { subgroupIds: ['sg-field'] },
    priority: -1,
    schedule: { calendar: 'workdays' },
  }),
  policy('field-old', 0, { appliesTo: { subgroupIds: ['sg-field'] }, schedule: { weekdays: [2] } }),
  policy('unscheduled-sales', 4, { appliesTo: { departments: ['销售部'] }, priority: 10 }),
  policy('bob', 5, { appliesTo: { memberIds: ['m-bob'] } }),
  policy('off', 6, { appliesTo: { memberIds: ['m-alice'] }, enabled: false }),
  policy('nights', 7, { appliesTo: { memberIds: ['m-alice'] }, schedule: { start: '22:00', end: '06:00' } }),
  policy('autumn', 8, { appliesTo: { memberIds: ['m-alice'] }, schedule: { dateFrom: '2026-09-01' } }),
  policy('holidays', 9, { appliesTo: { memberIds: ['m-alice'] }, schedule: { calendar: 'holidays' } }),
  policy('weekend', 10, { appliesTo: { memberIds: ['m-alice'] }, schedule: { weekdays: [6, 7] } }),
  policy('priority-twin', 11, {
    appliesTo: { departments: ['销售部'] },
    priority: -1,
    schedule: { weekdays: [1, 2, 3, 4, 5] },
  }),
  policy('old-twin', 1, {
    appliesTo: { departments: ['销售部'] },
    schedule: { start: '09:00', end: '12:00' },
  }),
];
const compiled = compileGroupRingback(policies, nationalCalendar(), 'Asia/Shanghai');

describe('explainRingback', () => {
  // Tuesday 2026-03-03 10:00 in Shanghai.
  const result = explainRingback(compiled, alice, at('2026-03-03T10:00'));
  const byId = new Map(result.explanation.candidates.map((c) => [c.policyId, c]));

  it('names the winner with its tones and why it won', () => {
    expect(result.policyId).toBe('sales-work');
    expect(result.toneIds).toEqual(['tone-sales-work']);
    expect(result.playback).toBe('single');
    const winner = result.explanation.winner!;
    expect(winner.policyId).toBe('sales-work');
    expect(winner.reasons).toContain('applies to the callee by department 销售部');
    expect(winner.reasons).toContain('schedule matches: Mon, Tue, Wed, Thu, Fri 09:00–18:00');
    expect(winner.reasons.at(-1)).toBe(
      'beat 6 other matching policies (1 on specificity, 1 on schedule, 2 on priority, 2 on age)',
    );
    expect(result.explanation.candidates[0]).toMatchObject({
      policyId: 'sales-work',
      outcome: 'won',
      name: '销售部工作时间',
    });
  });

  it('reads the local time in the group zone', () => {
    expect(result.explanation.local).toEqual({
      dateTime: '2026-03-03T10:00:00.000+08:00',
      timezone: 'Asia/Shanghai',
      weekday: 2,
      dayType: 'workday',
    });
  });

  it('says why each other policy lost or was skipped', () => {
    expect(byId.get('off')).toMatchObject({ outcome: 'skipped', code: 'disabled', reason: 'disabled' });
    expect(byId.get('bob')).toMatchObject({ outcome: 'skipped', code: 'audience', audienceMatch: null });
    expect(byId.get('nights')).toMatchObject({ outcome: 'skipped', code: 'schedule.time' });
    expect(byId.get('nights')!.reason).toContain('10:00 local is outside 22:00–06:00');
    expect(byId.get('autumn')).toMatchObject({ outcome: 'skipped', code: 'schedule.date' });
    expect(byId.get('autumn')!.reason).toContain('2026-03-03 is outside 2026-09-01…');
    expect(byId.get('holidays')).toMatchObject({ outcome: 'skipped', code: 'schedule.calendar' });
    expect(byId.get('holidays')!.reason).toContain('is a working day');
    expect(byId.get('weekend')).toMatchObject({ outcome: 'skipped', code: 'schedule.weekday' });
    expect(byId.get('weekend')!.reason).toContain('Tuesday is not one of Sat, Sun');

    expect(byId.get('everyone')).toMatchObject({
      outcome: 'lost',
      code: 'lost.specificity',
      audienceMatch: 'all',
    });
    expect(byId.get('everyone')!.reason).toBe(
      'lost on specificity: applies by all members, the winner by department 销售部',
    );
    expect(byId.get('unscheduled-sales')).toMatchObject({ outcome: 'lost', code: 'lost.schedule' });
    expect(byId.get('field')).toMatchObject({
      outcome: 'lost',
      code: 'lost.priority',
      audienceMatch: 'subgroup',
    });
    expect(byId.get('field')!.reason).toBe("lost on priority: -1 is lower than the winner's 0");
    expect(byId.get('priority-twin')).toMatchObject({ outcome: 'lost', code: 'lost.priority' });
    expect(byId.get('field-old')).toMatchObject({ outcome: 'lost', code: 'lost.age' });
    expect(byId.get('old-twin')).toMatchObject({ outcome: 'lost', code: 'lost.age' });
    expect(byId.get('old-twin')!.reason).toBe('lost on age: older (created #1) than the winner (created #2)');
  });

  it('lists every policy once: winner, losers by rank, then the skipped', () => {
    const outcomes = result.explanation.candidates.map((c) => c.outcome);
    expect(outcomes).toHaveLength(policies.length);
    expect(new Set(result.explanation.candidates.map((c) => c.policyId)).size).toBe(policies.length);
    expect(outcomes.indexOf('skipped')).toBe(outcomes.lastIndexOf('lost') + 1);
  });

  it('tells which day owns the tail of a midnight-crossing window', () => {
    const friNight = compileGroupRingback(
      [policy('fri', 1, { schedule: { weekdays: [5], start: '22:00', end: '02:00' } })],
      nationalCalendar(),
      'Asia/Shanghai',
    );
    const friday1am = explainRingback(friNight, alice, at('2026-03-06T01:00'));
    expect(friday1am.explanation.candidates[0]!.reason).toBe(
      'schedule does not match: weekday (Thursday (the window running now started the day before) is not one of Fri)',
    );
  });

  it('explains a holiday and a call that nothing answers', () => {
    const loner = callee('m-zoe', null);
    const none = explainRingback(
      compileGroupRingback(
        [policy('x', 1, { appliesTo: { memberIds: ['m-alice'] } })],
        nationalCalendar(),
        'Asia/Shanghai',
      ),
      loner,
      at('2026-10-01T09:00'),
    );
    expect(none).toMatchObject({ policyId: null, toneIds: [], playback: null });
    expect(none.explanation.winner).toBeNull();
    expect(none.explanation.local.dayType).toBe('holiday');
    expect(none.explanation.candidates).toEqual([
      {
        policyId: 'x',
        name: 'policy x',
        outcome: 'skipped',
        code: 'audience',
        audienceMatch: null,
        reason: 'audience does not include the callee',
      },
    ]);
  });
});
