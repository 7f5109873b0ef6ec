import { describe, expect, it } from 'vitest';
import { match, unknownOperators, unrunnablePatterns } from '../../../src/sim/scenario/match.js';

const call = {
  id: 'call_1',
  state: 'ringing',
  target: { msisdn: '+8613803110004', memberId: 'mem_liu' },
  events: [
    { at: 't0', type: 'routed' },
    { at: 't0', type: 'greeting', text: '欢迎致电华北电力。', afterHours: false },
    { at: 't0', type: 'prompt', text: '请按1' },
    { at: 't1', type: 'dtmf', digits: '8001' },
    { at: 't1', type: 'ringing', extension: '8001' },
  ],
};

describe('partial matching', () => {
  it('an object matches on the fields it lists; others are ignored', () => {
    expect(match({ state: 'ringing', target: { memberId: 'mem_liu' } }, call)).toEqual([]);
  });

  it('a wrong field is one mismatch at its path with expected and actual', () => {
    expect(match({ state: 'connected', target: { memberId: 'mem_zhang' } }, call)).toEqual([
      {
        path: 'state',
        expected: 'connected',
        actual: 'ringing',
        message: 'expected "connected", got "ringing"',
      },
      {
        path: 'target.memberId',
        expected: 'mem_zhang',
        actual: 'mem_liu',
        message: 'expected "mem_zhang", got "mem_liu"',
      },
    ]);
  });

  it('an absent field and a type difference say so', () => {
    const [absent] = match({ cdrId: 'cdr_1' }, call);
    expect(absent?.message).toBe('expected "cdr_1", but the field is absent');
    const [, typed] = match({ events: [{ digits: 8001 }] }, call);
    expect(typed).toMatchObject({ path: 'events[0] ~ closest [3].digits' });
    expect(typed?.message).toContain('(number vs string)');
  });

  it('arrays match as an ordered subsequence of partial elements', () => {
    expect(
      match({ events: [{ type: 'greeting', text: '欢迎致电华北电力。' }, { type: 'prompt' }] }, call),
    ).toEqual([]);
    expect(match({ events: [{ type: 'routed' }, { type: 'ringing' }] }, call)).toEqual([]);
    expect(match({ events: [] }, call)).toEqual([]);
  });

  it('out of order is a mismatch that names the element and shows the closest candidate', () => {
    const diff = match({ events: [{ type: 'prompt' }, { type: 'greeting', afterHours: true }] }, call);
    expect(diff[0]).toMatchObject({ path: 'events[1]' });
    expect(diff[0]?.message).toContain('in order after events[2]');
    expect(diff[0]?.message).toContain('[routed, greeting, prompt, dtmf, ringing]');
    expect(diff[1]).toMatchObject({ path: 'events[1] ~ closest [1].afterHours' });
    expect(diff[1]?.message).toContain('it comes too early');
  });

  it('the closest candidate carries the field differences', () => {
    const diff = match({ events: [{ type: 'greeting', text: '现在是非工作时间。' }] }, call);
    expect(diff).toHaveLength(2);
    expect(diff[1]).toMatchObject({
      path: 'events[0] ~ closest [1].text',
      expected: '现在是非工作时间。',
      actual: '欢迎致电华北电力。',
    });
  });

  it('scalars are strict: null, booleans, numbers', () => {
    expect(match({ a: null }, { a: null })).toEqual([]);
    expect(match({ a: null }, { a: 0 })).toHaveLength(1);
    expect(match({ a: false }, {})).toHaveLength(1);
    expect(match(0, -0)).toEqual([]);
    expect(match({ a: { b: 1 } }, { a: 'x' })[0]?.message).toBe('expected an object, got "x"');
  });
});

describe('operators', () => {
  it('$exact: same length, element by element', () => {
    const types = { $exact: [{ type: 'routed' }, { type: 'ringing' }] };
    expect(match(types, [{ type: 'routed' }, { type: 'ringing' }])).toEqual([]);
    const diff = match(types, [{ type: 'routed' }, { type: 'ringing' }, { type: 'answered' }]);
    expect(diff[0]?.message).toBe('expected exactly 2 element(s), got 3: [routed, ringing, answered]');
  });

  it('$unordered: same elements in any order, each matched once', () => {
    const expected = { $unordered: [{ id: 'b' }, { id: 'a' }] };
    expect(match(expected, [{ id: 'a', x: 1 }, { id: 'b' }])).toEqual([]);
    const twice = match({ $unordered: [{ id: 'a' }, { id: 'a' }] }, [{ id: 'a' }, { id: 'b' }]);
    expect(twice).toEqual([expect.objectContaining({ path: '[1]' })]);
    expect(twice[0]?.message).toContain('in any order');
    expect(match(expected, [{ id: 'a' }])[0]?.message).toContain('expected 2 element(s) in any order, got 1');
  });

  it('$length, $first and $last', () => {
    expect(
      match({ $length: 5, $first: { type: 'routed' }, $last: { type: 'ringing' } }, call.events),
    ).toEqual([]);
    expect(match({ $length: 0 }, call.events)[0]).toMatchObject({ path: 'length', expected: 0, actual: 5 });
    expect(match({ $length: { $gte: 3 } }, call.events)).toEqual([]);
    expect(match({ $last: { type: 'answered' } }, call.events)[0]).toMatchObject({ path: '[4].type' });
    expect(match({ $last: {} }, [])[0]?.message).toBe('expected a non-empty array, got []');
  });

  it('$absent and $exists', () => {
    expect(match({ cdrId: { $absent: true }, id: { $exists: true } }, call)).toEqual([]);
    expect(match({ id: { $absent: true } }, call)[0]?.message).toBe('expected no field, got "call_1"');
    expect(match({ cdrId: { $exists: true } }, call)[0]?.message).toBe(
      'expected the field, but it is absent',
    );
  });

  it('$regex, $includes, comparisons, $oneOf and $not', () => {
    expect(match({ $regex: '^\\d{6}$' }, '123456')).toEqual([]);
    expect(match({ $regex: '^\\d{6}$' }, '12345a')).toHaveLength(1);
    expect(match({ $includes: '会议密码' }, '请输入会议密码123456')).toEqual([]);
    expect(match({ $gt: 0, $lte: 30 }, 30)).toEqual([]);
    expect(match({ $lt: 30 }, 30)[0]?.message).toBe('expected lt 30, got 30');
    expect(match({ $oneOf: ['busy', 'no_answer'] }, 'busy')).toEqual([]);
    expect(match({ $oneOf: ['busy', 'no_answer'] }, 'joined')).toHaveLength(1);
    expect(match({ $not: 'ended' }, 'ringing')).toEqual([]);
    expect(match({ $not: { state: 'ringing' } }, call)[0]?.message).toContain('expected not');
  });

  it('$regex runs on RE2: linear time, inline flags, Unicode classes', () => {
    // The pattern the probe found: catastrophic for a backtracking engine, linear here.
    const started = performance.now();
    expect(match({ $regex: '^(a+)+$' }, `${'a'.repeat(10_000)}!`)).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(match({ $regex: '(?i)^ZHANG' }, 'zhanglan')).toEqual([]);
    expect(match({ $regex: '^\\p{Han}{2}$' }, '张兰')).toEqual([]);
    expect(match({ $regex: 'x' }, 42)[0]?.message).toBe('expected to match /x/, got 42');
  });

  it('a pattern RE2 cannot run is named at its path; at run time it is a mismatch', () => {
    expect(
      unrunnablePatterns(
        { name: { $regex: '^(a+)+\\1$' }, items: [{ $not: { $regex: '(?=a)' } }, { $regex: 7 }] },
        ['expect'],
      ),
    ).toEqual([
      { path: ['expect', 'name', '$regex'], message: expect.stringContaining('invalid escape sequence') },
      { path: ['expect', 'items', 0, '$not', '$regex'], message: expect.stringContaining('Perl syntax') },
      { path: ['expect', 'items', 1, '$regex'], message: '$regex takes a pattern as a string' },
    ]);
    expect(match({ $regex: '(?<=a)b' }, 'ab')[0]?.message).toMatch(/^cannot run \/\(\?<=a\)b\/: /);
  });

  it('finds unknown $keys with their paths', () => {
    expect(unknownOperators({ a: [{ $lenght: 1 }], b: { $length: 1 } }, ['expect'])).toEqual([
      ['expect', 'a', 0, '$lenght'],
    ]);
  });
});
