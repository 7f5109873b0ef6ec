import { describe, expect, it } from 'vitest';
import { AliasTable, ScenarioRunError } from '../../../src/sim/scenario/aliases.js';
import { NumberPlan } from '../../../src/sim/scenario/numbers.js';
import { durationSeconds, scenarioClock, WEEK_MS, weeksToCatchUp } from '../../../src/sim/scenario/time.js';

const START = Date.parse('2026-11-24T09:00:00+08:00');

function table(plan = new NumberPlan(null)) {
  const aliases = new AliasTable(scenarioClock(START), plan);
  aliases.set('huabei', 'group', { id: 'grp_1', name: '华北电力' });
  aliases.set('wang', 'member', { id: 'mem_wang', msisdn: '+8613803110001', shortCode: '601' });
  aliases.set('desk', 'switchboard', { id: 'swb_1', pilotNumber: '+8631166001234' });
  aliases.set('weekly', 'conference', { id: 'conf_1', accessNumber: '95100', pin: '123456' });
  aliases.set('managers', 'subgroup', { id: 'sg_1', shortCode: '8000' });
  aliases.set('caller', 'person', { msisdn: '+8613912345678' });
  return aliases;
}

describe('alias resolution', () => {
  it('{alias} is the id, {alias.field} a field of what the API answered, {@…} a time from the start', () => {
    const a = table();
    expect(a.interpolate('/v1/switchboards/{desk}/directory?q=zhanglan')).toBe(
      '/v1/switchboards/swb_1/directory?q=zhanglan',
    );
    expect(a.interpolate('{weekly.pin}#')).toBe('123456#');
    expect(a.interpolate('{@}')).toBe('2026-11-24T01:00:00.000Z');
    expect(a.interpolate('{@+1h30m}')).toBe('2026-11-24T02:30:00.000Z');
    expect(a.interpolate('{caller}')).toBe('+8613912345678');
    expect(a.interpolate('no placeholders {here too}')).toBe('no placeholders {here too}');
  });

  it('a string that is one placeholder keeps the value’s type', () => {
    const a = table();
    a.set('conf', 'conference', { id: 'conf_2', maxParticipants: 10, participants: [{ msisdn: '+86138' }] });
    expect(a.interpolate('{conf.maxParticipants}')).toBe(10);
    expect(a.interpolate('{conf.participants.0.msisdn}')).toBe('+86138');
  });

  it('a text whose placeholders fill in past 64 KiB is refused as it grows', () => {
    const a = table();
    a.set('list', 'record', { id: 'list', items: Array.from({ length: 100 }, () => ({ id: 'x' })) });
    expect(a.interpolate('{list.items}'.repeat(10))).toHaveLength(15_990);
    expect(() => a.interpolate('{list.items}'.repeat(100_000))).toThrow(
      new ScenarioRunError('the text with its placeholders filled in passes 64 KiB'),
    );
  });

  it('paths URL-encode what they interpolate', () => {
    expect(table().interpolatePath('/v1/messages?to={wang.msisdn}&at={@}')).toBe(
      '/v1/messages?to=%2B8613803110001&at=2026-11-24T01%3A00%3A00.000Z',
    );
  });

  it('deep interpolation reaches nested inputs and expectations', () => {
    expect(table().deep({ target: { memberId: '{wang}' }, list: ['{huabei}', 3, null] })).toEqual({
      target: { memberId: 'mem_wang' },
      list: ['grp_1', 3, null],
    });
  });

  it('a party dials by what it is', () => {
    const a = table();
    expect(a.dial('wang')).toBe('+8613803110001');
    expect(a.dial('caller')).toBe('+8613912345678');
    expect(a.dial('desk')).toBe('+8631166001234');
    expect(a.dial('weekly')).toBe('95100');
    expect(a.dial('managers')).toBe('8000');
    expect(a.dial('602')).toBe('602');
    expect(a.dial('{wang.shortCode}')).toBe('601');
    expect(() => a.dial('huabei')).toThrow('has no number to dial');
  });

  it('conference participants: members by id, everyone else by number', () => {
    const a = table();
    expect(a.participant('wang')).toEqual({ memberId: 'mem_wang' });
    expect(a.participant('caller')).toEqual({ msisdn: '+8613912345678' });
    expect(a.participant('13312345678')).toEqual({ msisdn: '13312345678' });
  });

  it('unknown aliases, wrong kinds and missing fields are run errors that say which', () => {
    const a = table();
    expect(() => a.interpolate('{nobody}')).toThrow(ScenarioRunError);
    expect(() => a.interpolate('{nobody}')).toThrow('unknown alias "nobody"');
    expect(() => a.id('wang', 'call')).toThrow('"wang" is a member, not a call');
    expect(() => a.interpolate('{wang.title}')).toThrow('{wang.title}: no such field');
  });

  it('maps ids back to aliases for reports and merges fresher records', () => {
    const a = table();
    expect(a.aliasOf('mem_wang')).toBe('wang');
    a.update('wang', { shortCode: '666' });
    expect(a.field('wang', ['shortCode'])).toBe('666');
    expect(a.id('wang')).toBe('mem_wang');
  });
});

describe('numbers per run', () => {
  it('in-process numbers stay as written (in E.164)', () => {
    const plan = new NumberPlan(null);
    expect(plan.declare('13803110001', true)).toBe('+8613803110001');
    expect(plan.map('138 0311 0001')).toBe('+8613803110001');
    expect(plan.map('13312345678')).toBe('13312345678');
  });

  it('against a service, digits 5–8 from the end take the run’s block; numbers stay valid and distinct', () => {
    const plan = new NumberPlan('4721');
    expect(plan.declare('13803110001', true)).toBe('+8613847210001');
    expect(plan.declare('13903110001', true)).toBe('+8613947210001');
    expect(plan.declare('031166001234', false)).toBe('+8631147211234');
    // Same tail and head: the second gets another block.
    const clash = plan.declare('13899990001', true);
    expect(clash).not.toBe('+8613847210001');
    expect(clash).toMatch(/^\+86138\d{4}0001$/);
    // Literal numbers of steps that were declared map to the run's number.
    expect(plan.map('+86 138 0311 0001')).toBe('+8613847210001');
  });

  it('random blocks start with 2–9 so landlines stay valid', () => {
    for (let i = 0; i < 50; i++) expect(NumberPlan.randomBlock()).toMatch(/^[2-9]\d{3}$/);
  });
});

describe('scenario time', () => {
  it('durations', () => {
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('1d')).toBe(86_400);
    expect(durationSeconds(12)).toBe(12);
    expect(() => durationSeconds('soon')).toThrow(RangeError);
  });

  it('absolute and relative times, moved by whole weeks when the target is ahead', () => {
    const clock = scenarioClock(START, 2 * WEEK_MS);
    expect(clock.iso('+8s')).toBe('2026-12-08T01:00:08.000Z');
    expect(clock.iso('2026-11-24T19:00:00+08:00')).toBe('2026-12-08T11:00:00.000Z');
    expect(clock.date('2026-11-26')).toBe('2026-12-10');
    expect(scenarioClock(START).date('2026-11-26')).toBe('2026-11-26');
    expect(weeksToCatchUp(START, START)).toBe(0);
    expect(weeksToCatchUp(START, START + 1)).toBe(1);
    expect(weeksToCatchUp(START, START + WEEK_MS + 1)).toBe(2);
  });
});
