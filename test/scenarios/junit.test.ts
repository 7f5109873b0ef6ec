import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { toJUnitXml } from '../../src/sim/scenario/junit.js';
import { parseScenarioText } from '../../src/sim/scenario/parse.js';
import { summarise } from '../../src/sim/scenario/report.js';
import { runScenario } from '../../src/sim/scenario/runner.js';
import { inProcessTarget } from '../../src/sim/scenario/transport.js';

const target = inProcessTarget(buildApp);
const SETUP = `setup:
  groups:
    g:
      name: 华北电力
      vpn: {}
      members:
        wang: { msisdn: '13803110001', name: 王明, shortCode: '601' }
        li: { msisdn: '13803110002', name: 李华, shortCode: '602' }
`;

describe('JUnit XML', () => {
  it('one suite per scenario, one case per step; failures carry the diff, skipped steps are skipped; XML is escaped', async () => {
    const passing = await runScenario(
      parseScenarioText(`name: passes\n${SETUP}steps:\n  - route: { from: wang, to: '602' }\n`),
      { target, file: 'scenarios/passes.yaml' },
    );
    const failing = await runScenario(
      parseScenarioText(`name: 'fails <&> "quoted"'
${SETUP}steps:
  - sms: { from: wang, to: '602', text: '<b>开会</b> & ]]> done' }
    expect: { text: 'something else' }
  - get: /v1/groups
`),
      { target, file: 'scenarios/fails.yaml' },
    );
    const invalid = {
      ...passing,
      name: 'broken',
      file: 'scenarios/broken.yaml',
      passed: false,
      error: 'invalid scenario:\nx.yaml:3:1 steps: Required\nx.yaml:1:1 name: Required',
      steps: [],
    };
    const xml = toJUnitXml(summarise([passing, failing, invalid], 100));

    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="scenarios" tests="6" failures="1" errors="1" skipped="1"/,
    );
    expect(xml).toContain('<testsuite name="passes"');
    expect(xml).toContain('<testcase classname="scenarios/passes.yaml" name="setup"');
    expect(xml).toContain('<testcase classname="scenarios/passes.yaml" name="1 route wang → 602"');
    expect(xml).toContain('<testsuite name="fails &lt;&amp;> &quot;quoted&quot;"');
    expect(xml).toContain('<property name="file" value="scenarios/fails.yaml"/>');
    // The failure: the first line as its message, the whole diff as CDATA (with ]]> split safely).
    expect(xml).toContain(
      '<failure message="text: expected &quot;something else&quot;, got &quot;&lt;b>开会&lt;/b> &amp; ]]> done&quot;" type="ScenarioStepFailure"><![CDATA[text: expected "something else", got "<b>开会</b> & ]]]]><![CDATA[> done"',
    );
    expect(xml).toMatch(/name="2 GET \/v1\/groups" time="0">\s*<skipped\/>/);
    expect(xml).toContain(
      // The message names the first reason, as CI systems show only the attribute.
      '<error message="invalid scenario: x.yaml:3:1 steps: Required (and 1 more)" type="ScenarioError"><![CDATA[invalid scenario:\nx.yaml:3:1 steps: Required\nx.yaml:1:1 name: Required]]></error>',
    );
  });
});
