/**
 * A self-contained HTML page for a load report: throughput bars per case (the baseline
 * included), a latency percentile table, and a latency histogram per case and endpoint, all as
 * hand-written inline SVG. Every text that came from outside goes through `escapeHtml`.
 */
import type { LoadCase, LoadReport } from '../load/report.js';
import { type HistogramBucket, trimHistogram } from '../load/stats.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const fmt = (x: number) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { maximumFractionDigits: x < 10 ? 2 : x < 100 ? 1 : 0 })
    : '∞';

/** Horizontal bars, one per case: req/s. */
export function throughputSvg(cases: LoadCase[]): string {
  const rowH = 22;
  const labelW = 260;
  const barW = 420;
  const max = Math.max(1, ...cases.map((c) => c.result.requestsPerSecond));
  const height = cases.length * rowH + 10;
  const rows = cases
    .map((c, i) => {
      const y = 5 + i * rowH;
      const w = Math.max(1, Math.round((c.result.requestsPerSecond / max) * barW));
      const fill = c.endpoint === 'baseline' ? '#9aa5b1' : c.mode === 'rate' ? '#3f8f6b' : '#2f6fb0';
      return (
        `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(c.name)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 6}" fill="${fill}"/>` +
        `<text x="${labelW + w + 5}" y="${y + 15}">${escapeHtml(fmt(c.result.requestsPerSecond))} req/s</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${labelW + barW + 120}" height="${height}" role="img" aria-label="throughput per case">${rows}</svg>`;
}

/** Vertical bars of one histogram, bucket upper bounds on the x axis. */
export function histogramSvg(title: string, buckets: HistogramBucket[]): string {
  const shown = trimHistogram(buckets);
  const colW = 18;
  const plotH = 110;
  const top = 18;
  const width = Math.max(160, shown.length * colW + 50);
  const max = Math.max(1, ...shown.map((b) => b.count));
  const total = buckets.reduce((s, b) => s + b.count, 0);
  const bars = shown
    .map((b, i) => {
      const h = Math.round((b.count / max) * plotH);
      const x = 40 + i * colW;
      const label = Number.isFinite(b.upToMs) ? `≤${fmt(b.upToMs)}` : '&gt;';
      return (
        `<rect x="${x}" y="${top + plotH - h}" width="${colW - 3}" height="${h}" fill="#2f6fb0"><title>${escapeHtml(`${label.replace('&gt;', '>')} ms: ${b.count}`)}</title></rect>` +
        `<text x="${x + colW / 2}" y="${top + plotH + 6}" class="tick" transform="rotate(60 ${x + colW / 2} ${top + plotH + 6})">${label}</text>`
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${top + plotH + 50}" role="img" aria-label="${escapeHtml(title)} latency histogram">` +
    `<text x="0" y="12" class="h">${escapeHtml(title)} (${escapeHtml(fmt(total))} responses; ms)</text>` +
    `<line x1="38" y1="${top + plotH}" x2="${width}" y2="${top + plotH}" stroke="#555"/>${bars}</svg>`
  );
}

function table(cases: LoadCase[]): string {
  const head = [
    'case',
    'endpoint',
    'c',
    'offered',
    'req/s',
    'p50',
    'p90',
    'p99',
    'max',
    'non-2xx',
    'errors',
    'server CPU %',
  ];
  const rows: string[] = [];
  for (const c of cases) {
    const r = c.result;
    const lines = [
      { name: c.name, endpoint: 'all', rps: r.requestsPerSecond, l: r.latencyMs, non2xx: r.non2xx },
      ...(r.endpoints.length > 1
        ? r.endpoints.map((e) => ({
            name: '',
            endpoint: e.name,
            rps: e.requestsPerSecond,
            l: e.latencyMs,
            non2xx: e.non2xx,
          }))
        : []),
    ];
    for (const [i, x] of lines.entries()) {
      const cells = [
        x.name,
        x.endpoint,
        i === 0 ? c.connections : '',
        i === 0 ? (c.offeredRate ?? '—') : '',
        fmt(x.rps),
        fmt(x.l.p50),
        fmt(x.l.p90),
        fmt(x.l.p99),
        fmt(x.l.max),
        x.non2xx,
        i === 0 ? r.errors + r.timeouts : '',
        i === 0 ? r.serverCpuPercent : '',
      ];
      rows.push(`<tr>${cells.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`);
    }
  }
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,td:nth-child(2),th{text-align:left}
.chart text{font:11px system-ui,sans-serif}.chart .h{font-weight:600}.chart .tick{font-size:9px}
.hists{display:flex;flex-wrap:wrap;gap:1em}`;

export function renderHtml(report: LoadReport): string {
  const hists = report.cases
    .flatMap((c) =>
      c.result.endpoints.length > 1
        ? c.result.endpoints.map((e) => histogramSvg(`${c.name} · ${e.name}`, e.histogram))
        : [histogramSvg(c.name, c.result.histogram)],
    )
    .join('\n');
  const m = report.machine;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(report.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(report.title)}</h1>
<p>${escapeHtml(report.startedAt)} · Node ${escapeHtml(report.node)} · ${escapeHtml(m.cpus)} × ${escapeHtml(m.model)} · load average ${escapeHtml(m.loadAverage.join(' / '))}</p>
${report.notes.length ? `<ul>${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
<h2>Throughput</h2>
${throughputSvg(report.cases)}
<h2>Latency percentiles (ms)</h2>
${table(report.cases)}
<h2>Latency histograms</h2>
<div class="hists">
${hists}
</div>
<h2>Options</h2>
<pre>${escapeHtml(JSON.stringify(report.options, null, 2))}</pre>
</body></html>
`;
}
