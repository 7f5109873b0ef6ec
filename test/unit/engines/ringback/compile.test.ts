import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileGroupRingback,
  MEMBER_FILTER,
  mayHold,
  SUBGROUP_FILTER,
} from '../../../../src/engines/ringback/compile.js';
import { resolveRingback } from '../../../../src/engines/ringback/index.js';
import { at, callee, NO_CALENDAR, policy } from './fixtures.js';

describe('compileGroupRingback', () => {
  it('never filters out a member id or sub-group id that has a list', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string(), { maxLength: 40 }),
        fc.uniqueArray(fc.string(), { maxLength: 40 }),
        (members, subgroups) => {
          const appliesTo = {
            memberIds: members.length ? members : ['x'],
            subgroupIds: subgroups.length ? subgroups : ['y'],
          };
          const compiled = compileGroupRingback([policy('p', 1, { appliesTo })], NO_CALENDAR, 'UTC');
          for (const id of appliesTo.memberIds) expect(mayHold(compiled.lists, MEMBER_FILTER, id)).toBe(true);
          for (const id of appliesTo.subgroupIds)
            expect(mayHold(compiled.lists, SUBGROUP_FILTER, id)).toBe(true);
        },
      ),
    );
  });

  it('ranks each audience tier of a policy separately and skips disabled policies', () => {
    const compiled = compileGroupRingback(
      [
        policy('wide', 1, { appliesTo: { all: true, memberIds: ['m1'], departments: ['销售部'] } }),
        policy('off', 2, { enabled: false }),
      ],
      NO_CALENDAR,
      'UTC',
    );
    expect(compiled.entries.map((e) => [e.policy.id, e.tier])).toEqual([
      ['wide', 2],
      ['wide', 1],
      ['wide', 0],
    ]);
    expect(compiled.policies.map((p) => p.id)).toEqual(['wide', 'off']);
    expect(compiled.needsClock).toBe(false);
  });

  it('counts a date listed both as holiday and as workday as a day off', () => {
    const compiled = compileGroupRingback(
      [policy('off-days', 1, { schedule: { calendar: 'holidays' } })],
      { holidays: ['2026-03-04'], workdays: ['2026-03-04'] },
      'Asia/Shanghai',
    );
    expect(resolveRingback(compiled, callee('m'), at('2026-03-04T12:00'))?.policyId).toBe('off-days');
  });

  it('refuses an unreadable calendar date', () => {
    expect(() => compileGroupRingback([], { holidays: ['2026-13-01'], workdays: [] }, 'UTC')).toThrow(
      /holidays/,
    );
  });

  it('treats an empty schedule object as no schedule', () => {
    const compiled = compileGroupRingback(
      [
        policy('empty', 2, { schedule: {} }),
        policy('timed', 1, { schedule: { weekdays: [1, 2, 3, 4, 5, 6, 7] } }),
      ],
      NO_CALENDAR,
      'UTC',
    );
    expect(resolveRingback(compiled, callee('m'), 0)?.policyId).toBe('timed');
  });
});
