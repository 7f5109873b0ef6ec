import { describe, expect, it } from 'vitest';
import {
  formatIssue,
  parseScenarioRequest,
  parseScenarioText,
  ScenarioParseError,
} from '../../../src/sim/scenario/parse.js';

const HEAD = `name: t
setup:
  groups:
    huabei:
      name: 华北电力
      members:
        wang: { msisdn: '13803110001', name: 王明, shortCode: '601' }
        li: { msisdn: '13803110002', name: 李华 }
  people:
    caller: '13912345678'
`;

function issuesOf(text: string) {
  try {
    parseScenarioText(text, 'x.yaml');
  } catch (error) {
    if (error instanceof ScenarioParseError) return error.issues;
    throw error;
  }
  throw new Error('the scenario parsed');
}

describe('a valid scenario', () => {
  it('parses YAML with aliases, steps and expectations', () => {
    const scenario = parseScenarioText(
      `${HEAD}steps:
  - call: { from: wang, to: '{li.msisdn}', at: '+5s' }
    as: call1
    expect: { state: ringing, events: { $last: { type: ringing } } }
  - act: { call: call1, action: hangup }
`,
    );
    expect(scenario.steps).toHaveLength(2);
    expect(scenario.setup?.groups?.huabei?.members?.wang?.shortCode).toBe('601');
  });

  it('a request is the scenario as JSON or {yaml}', () => {
    const json = parseScenarioRequest({ name: 'x', steps: [{ get: '/v1/groups' }] });
    expect(json.name).toBe('x');
    expect(parseScenarioRequest({ yaml: 'name: y\nsteps:\n  - get: /v1/groups\n' }).name).toBe('y');
    expect(() => parseScenarioRequest({ yaml: 'name: y', name: 'z' })).toThrow(ScenarioParseError);
  });
});

describe('errors name the path in the file, with its line', () => {
  it('an unquoted number', () => {
    const [issue] = issuesOf(`${HEAD}steps:\n  - call: { from: wang, to: 602 }\n`);
    expect(issue).toMatchObject({ path: ['steps', 0, 'call', 'to'], line: 12, column: 29 });
    expect(issue?.message).toBe("a party must be a quoted string: YAML reads 602 as a number (write '602')");
    expect(formatIssue(issue!, 'x.yaml')).toBe(
      "x.yaml:12:29 steps[0].call.to: a party must be a quoted string: YAML reads 602 as a number (write '602')",
    );
  });

  it('an unknown field', () => {
    const [issue] = issuesOf(`${HEAD}steps:\n  - get: /v1/groups\n    expcet: {}\n`);
    expect(issue).toMatchObject({
      path: ['steps', 0, 'expcet'],
      message: 'unknown field "expcet"',
      line: 13,
    });
  });

  it('unknown aliases, with a suggestion; wrong kinds; aliases used before a step declares them', () => {
    const issues = issuesOf(`${HEAD}steps:
  - call: { from: wnag, to: li }
  - act: { call: call1, action: answer }
  - call: { from: caller, to: li }
    as: call1
  - act: { call: wang, action: answer }
  - get: /v1/calls/{call2}
`);
    expect(issues.map((i) => [i.path.join('.'), i.message, i.line])).toEqual([
      ['steps.0.call.from', 'unknown alias "wnag" (did you mean "wang"?)', 12],
      ['steps.1.act.call', 'unknown alias "call1"', 13],
      ['steps.3.act.call', '"wang" is a member; expected a call', 16],
      ['steps.4.get', 'unknown alias "call2" in {call2} (did you mean "call1"?)', 17],
    ]);
  });

  it('duplicate aliases, steps with two kinds or none, incomplete actions', () => {
    const issues = issuesOf(`${HEAD}  conferences:
    wang: { host: li }
steps:
  - get: /v1/groups
    call: { from: wang, to: li }
  - name: nothing
  - act: { call: c, action: dtmf }
  - call: { from: wang, to: li }
    as: c
  - act: { call: c, action: dtmf }
  - act: { call: c, action: transfer }
  - clock: {}
  - messages: {}
`);
    expect(issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['setup.conferences.wang', 'alias "wang" is already a member; aliases are unique'],
      ['steps.0', 'a step does one thing; this one has call and get'],
      ['steps.1', expect.stringContaining('a step needs one of call, act, clock')],
      ['steps.2.act.call', 'unknown alias "c"'],
      ['steps.2.act.digits', 'dtmf needs digits'],
      ['steps.4.act.digits', 'dtmf needs digits'],
      ['steps.5.act.target', 'transfer needs a target: {extension} or {member}'],
      ['steps.6.clock', 'give exactly one of advance or to'],
      ['steps.7.messages', 'give to (an inbox) or from (a sender)'],
    ]);
  });

  it('unknown operators in expectations', () => {
    const [issue] = issuesOf(`${HEAD}steps:\n  - get: /v1/groups\n    expect: { items: { $lenght: 1 } }\n`);
    expect(issue?.path).toEqual(['steps', 0, 'expect', 'items', '$lenght']);
    expect(issue?.message).toContain('unknown operator $lenght');
  });

  it('bad aliases, times and durations', () => {
    const issues = issuesOf(`name: t
setup:
  people:
    '9lives': '13912345678'
steps:
  - call: { from: '13912345678', to: '602', at: tomorrow }
  - clock: { advance: soon }
`);
    expect(issues.map((i) => i.path.join('.'))).toEqual([
      'setup.people.9lives',
      'steps.0.call.at',
      'steps.1.clock.advance',
    ]);
    expect(issues[0]?.message).toContain('an alias is a name such as wang');
  });

  it('a YAML syntax error names its line and explains flow collections', () => {
    const [issue, ...rest] = issuesOf(
      `${HEAD}steps:\n  - sms: { from: wang, to: li, text: 会议{li.name} }\n`,
    );
    expect(rest).toEqual([]);
    expect(issue?.line).toBe(12);
    expect(issue?.message).toMatch(/^YAML: /);
    expect(issue?.message).toContain('quote text that holds braces');
  });
});
