import { describe, expect, it } from 'vitest';
import type { DrivenResult } from '../../../bench/load/drive.js';
import type { LoadCase, LoadReport } from '../../../bench/load/report.js';
import { histogram, summariseLatencies } from '../../../bench/load/stats.js';
import { escapeHtml, histogramSvg, renderHtml } from '../../../bench/report/html.js';

function result(rps: number, xs: number[], names = ['route']): DrivenResult {
  return {
    requestsPerSecond: rps,
    totalRequests: xs.length,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    statusCodes: { 200: xs.length },
    durationSeconds: 1,
    latencyMs: summariseLatencies(xs),
    histogram: histogram(xs),
    endpoints: names.map((name) => ({
      name,
      requests: xs.length,
      non2xx: 0,
      requestsPerSecond: rps,
      latencyMs: summariseLatencies(xs),
      histogram: histogram(xs),
    })),
    clientCpuPercent: 40,
    serverCpuPercent: 90,
  };
}

const cases: LoadCase[] = [
  {
    name: 'baseline · c50',
    endpoint: 'baseline',
    mode: 'concurrency',
    connections: 50,
    result: result(43_210, [1, 2, 3]),
  },
  {
    name: 'call <flow> & "more"',
    endpoint: 'call',
    mode: 'rate',
    connections: 50,
    offeredRate: 500,
    result: result(499, [4.5, 6.25, 7.25, 12], ['call create', 'call <answer>']),
  },
];

const report: LoadReport = {
  kind: 'load-profiles',
  title: 'Load <script>alert(1)</script>',
  startedAt: '2026-11-24T10:00:00.000Z',
  node: 'v20.0.0',
  machine: { cpus: 2, model: 'Test CPU', loadAverage: [1, 2, 3] },
  options: { note: '</pre><b>x</b>' },
  notes: ['route at 90 % of <baseline>'],
  cases,
};

describe('HTML report', () => {
  const html = renderHtml(report);

  it('is one self-contained document with inline SVG', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html.match(/<svg /g)?.length).toBe(1 + 1 + 2); // throughput, baseline hist, 2 call endpoints
    expect(html.match(/<svg /g)?.length).toBe(html.match(/<\/svg>/g)?.length);
    expect(html).not.toMatch(/<script|<link|src=/);
  });

  it('escapes every outside text', () => {
    expect(html).toContain('Load &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('call &lt;flow&gt; &amp; &quot;more&quot;');
    expect(html).toContain('call &lt;answer&gt;');
    expect(html).toContain('&lt;/pre&gt;&lt;b&gt;x&lt;/b&gt;');
    expect(html).toContain('90 % of &lt;baseline&gt;');
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('shows the numbers', () => {
    expect(html).toContain('43,210 req/s');
    expect(html).toContain('<td>499</td>');
    expect(html).toContain('<td>6.25</td>'); // p50 of the call case
    expect(html).toContain('<td>500</td>'); // offered rate
  });

  it('draws one bar per non-empty bucket', () => {
    const svg = histogramSvg('x', histogram([0.3, 0.3, 5, 5, 5]));
    expect(svg).toContain('5 responses');
    expect(svg).toContain('≤0.35 ms: 2');
    expect(svg).toContain('≤5.66 ms: 3');
  });
});
