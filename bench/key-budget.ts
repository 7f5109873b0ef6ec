/**
 * What a partner key's request budget costs the routing hot path: `POST /v1/route` over HTTP
 * with the admin key (no budget by default) and with a partner key whose budget is far above
 * what the machine can send (so every request is counted, none refused), loaded alternately,
 * the order swapped every round (this VM drifts 10–30 % over minutes). Reported as server CPU
 * per request, median of the rounds. First, in-process and so steadier on a busy machine: the
 * CPU one budget check costs (@fastify/rate-limit's limiter, as rate-limit.ts builds it, on a
 * real request of the app, awaited), next to the remembered-key lookup of authentication.
 *
 *   npx tsx bench/key-budget.ts [--rounds N --duration S]   (--rounds 0: in-process only)
 */
import { parseArgs } from 'node:util';
import type { FastifyRequest } from 'fastify';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { testConfig } from '../src/config.js';
import { httpRequest } from './lib/http.js';
import { type MeasuredLoad, runLoad } from './lib/load.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '4' }, duration: { type: 'string', default: '6' } },
});
const rounds = Number(values.rounds);
const durationSeconds = Number(values.duration);
const ADMIN_KEY = 'bench-admin-key-0123456789';
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

const app = await buildApp({
  config: testConfig({ logLevel: 'info', clock: 'simulated', adminApiKey: ADMIN_KEY }),
  logger: { level: 'info', stream: pino.destination({ dest: '/dev/null', sync: true }) },
});
// A real request of the app, captured by a route of the bench's own.
let captured: FastifyRequest | undefined;
app.get('/bench/capture', { config: { access: 'public' } }, async (request) => {
  captured = request;
  return {};
});
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const post = async (path: string, body: unknown) => {
  const res = await httpRequest(base, { method: 'POST', path, headers: admin, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${res.text}`);
  return res.json<{ id: string; key: string }>();
};
const group = await post('/v1/groups', {
  name: 'bench',
  institutionType: 'enterprise',
  valueTier: 'A1',
  province: 'CN-HE',
});
const msisdns = Array.from({ length: 50 }, (_, i) => `138031${String(10_000 + i).padStart(5, '0')}`);
for (const [i, msisdn] of msisdns.entries()) {
  await post(`/v1/groups/${group.id}/members`, { msisdn, name: `成员${i}` });
}
const partner = await post('/v1/api-keys', {
  name: 'bench partner',
  groupIds: [group.id],
  rateLimitPerSecond: 1_000_000,
});
await httpRequest(base, { method: 'GET', path: '/bench/capture' });
const request = Object.assign(captured!, {
  principal: (await app.services.apiKeys.authenticate(partner.key))!,
});
const limiter = app.createRateLimit({
  timeWindow: 1000,
  keyGenerator: (r) => r.principal.id,
  max: (r) => r.principal.rateLimitPerSecond ?? Number.MAX_SAFE_INTEGER,
});
const cpuMicrosecondsPerCall = async (calls: number, once: () => unknown) => {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) await once();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
};
for (let round = 0; round < 3; round++) {
  const budget = await cpuMicrosecondsPerCall(200_000, () => limiter(request));
  const recall = await cpuMicrosecondsPerCall(200_000, () => app.services.apiKeys.recall(partner.key));
  console.log(
    `in-process: budget check ${budget.toFixed(3)} µs CPU a call, remembered-key lookup ${recall.toFixed(3)} µs (each awaited)`,
  );
}

const bodies = msisdns.map((from, i) => JSON.stringify({ from, to: msisdns[(i + 1) % msisdns.length] }));

const perRequestUs = (load: MeasuredLoad) =>
  (load.serverCpuPercent / 100) * 1e6 * (1 / load.requestsPerSecond);
const sides = { admin: [] as number[], partner: [] as number[] };
const measure = async (side: keyof typeof sides) => {
  const headers = side === 'admin' ? admin : { authorization: `Bearer ${partner.key}` };
  const load = await runLoad({
    url: `${base}/v1/route`,
    headers,
    bodies,
    connections: 50,
    pipelining: 1,
    durationSeconds,
    warmupSeconds: 2,
  });
  if (load.non2xx > 0) throw new Error(`${side}: ${load.non2xx} answers were not 2xx`);
  sides[side].push(perRequestUs(load));
  console.log(
    `${side}: ${Math.round(load.requestsPerSecond)} req/s, ${perRequestUs(load).toFixed(2)} µs server CPU a request`,
  );
};
for (let round = 0; round < rounds; round++) {
  const order: (keyof typeof sides)[] = round % 2 === 0 ? ['admin', 'partner'] : ['partner', 'admin'];
  for (const side of order) await measure(side);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const diffs = sides.partner.map((p, i) => p - sides.admin[i]!);
if (rounds > 0)
  console.log(
    `median µs a request: admin ${median(sides.admin).toFixed(2)}, partner ${median(sides.partner).toFixed(2)}, partner − admin per round: ${diffs.map((d) => d.toFixed(2)).join(', ')}`,
  );
await app.close();
