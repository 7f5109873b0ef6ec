/**
 * In-process cost of the partner view on the routing hot path (`routing.answerFor`: the scope
 * check and the redaction of another tenant's party), next to the decision alone.
 *
 *   npx tsx bench/route-redaction.ts [members] [groups] [rounds]
 *
 * Over the bench directory (100,000 members in 1,000 groups by default), pairs of members of
 * one group dialling each other by number: decided alone; decided and viewed by the admin key;
 * by a partner key of that group (nothing to redact); and off-net to a member of another group
 * seen by a partner key of the caller's group (the callee redacted); and the view alone on
 * decisions made beforehand. Rounds alternate the order of the cases and the median ns per
 * request of each is printed. Differences of a few hundred ns between the decide cases are
 * within this machine's noise when neighbours are busy; the view-alone lines read directly.
 */
import { SAMPLE_TARIFF } from '../src/engines/rating/sample-tariff.js';
import type { RouteRequest } from '../src/engines/vpn/route.js';
import type { Principal } from '../src/services/api-keys.js';
import { createRoutingService } from '../src/services/routing.js';
import { buildBenchDirectory, prng } from './fixtures/directory.js';

const MEMBERS = Number(process.argv[2] ?? 100_000);
const GROUPS = Number(process.argv[3] ?? 1_000);
const ROUNDS = Math.max(1, Number(process.argv[4] ?? 7));
const SAMPLES = 200_000;
const AT = Date.UTC(2026, 2, 3, 2);

const directory = buildBenchDirectory(MEMBERS, GROUPS);
const rates = SAMPLE_TARIFF.rates;
const routing = createRoutingService({
  directory,
  tariffs: { ratesAt: () => rates, ratesAtOrFirst: () => rates },
});
const random = prng(7);
const members = [...directory.membersById.values()].filter((m) => m.status === 'active');
const byGroup = new Map<string, typeof members>();
for (const m of members) {
  const own = byGroup.get(m.groupId);
  if (own === undefined) byGroup.set(m.groupId, [m]);
  else own.push(m);
}
const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;

// One partner key per group, as the key service holds them (one principal object per key).
const partners = new Map<string, Principal>();
const partner = (groupId: string): Principal => {
  let principal = partners.get(groupId);
  if (principal === undefined) {
    const scope = new Set([groupId]);
    principal = { kind: 'partner', id: `key-${groupId}`, groupIds: scope, canSee: (g) => scope.has(g) };
    partners.set(groupId, principal);
  }
  return principal;
};
const admin: Principal = { kind: 'admin', id: 'admin', canSee: () => true };

interface Sample {
  request: RouteRequest;
  principal: Principal;
}
const sameGroup: Sample[] = [];
const crossGroup: Sample[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const caller = pick(members);
  const own = byGroup.get(caller.groupId)!;
  const callee = pick(own);
  const stranger = pick(members);
  const principal = partner(caller.groupId);
  sameGroup.push({
    request: { from: caller.msisdn, to: callee.msisdn, service: 'voice', atMs: AT },
    principal,
  });
  crossGroup.push({
    request: { from: caller.msisdn, to: stranger.msisdn, service: 'voice', atMs: AT },
    principal,
  });
}

// The view alone, on decisions made beforehand: its own cost, not a difference of two noisy runs.
const decidedSame = sameGroup.map((s) => routing.decide(s.request));
const decidedCross = crossGroup.map((s) => routing.decide(s.request));

let sink = 0;
const cases: Record<string, () => void> = {
  'view alone: admin': () => {
    for (const d of decidedSame) sink += routing.answerFor(admin, d).tariff.rateFenPerMinute;
  },
  'view alone: partner, own group': () => {
    for (let i = 0; i < SAMPLES; i++)
      sink += routing.answerFor(sameGroup[i]!.principal, decidedSame[i]!).tariff.rateFenPerMinute;
  },
  // What a partner's request paid before the view existed: the scope check by itself.
  'scope check alone: partner, own group': () => {
    for (let i = 0; i < SAMPLES; i++) routing.assertActs(sameGroup[i]!.principal, decidedSame[i]!);
  },
  'view alone: partner, other group (redacted)': () => {
    for (let i = 0; i < SAMPLES; i++)
      sink += routing.answerFor(crossGroup[i]!.principal, decidedCross[i]!).tariff.rateFenPerMinute;
  },
  'decide alone': () => {
    for (const s of sameGroup) sink += routing.decide(s.request).tariff.rateFenPerMinute;
  },
  'decide + admin view': () => {
    for (const s of sameGroup)
      sink += routing.answerFor(admin, routing.decide(s.request)).tariff.rateFenPerMinute;
  },
  'decide + partner view, own group': () => {
    for (const s of sameGroup)
      sink += routing.answerFor(s.principal, routing.decide(s.request)).tariff.rateFenPerMinute;
  },
  'decide alone, other group': () => {
    for (const s of crossGroup) sink += routing.decide(s.request).tariff.rateFenPerMinute;
  },
  'decide + partner view, other group (redacted)': () => {
    for (const s of crossGroup)
      sink += routing.answerFor(s.principal, routing.decide(s.request)).tariff.rateFenPerMinute;
  },
};

const timings = new Map<string, number[]>(Object.keys(cases).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const names = Object.keys(cases);
  if (round % 2 === 1) names.reverse();
  for (const name of names) {
    const start = process.hrtime.bigint();
    cases[name]!();
    timings.get(name)!.push(Number(process.hrtime.bigint() - start) / SAMPLES);
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log(`${MEMBERS} members, ${GROUPS} groups, ${SAMPLES} requests a case, median of ${ROUNDS} rounds`);
for (const [name, xs] of timings)
  console.log(`${name.padEnd(48)} ${median(xs).toFixed(0).padStart(6)} ns/request`);
if (sink === 0) console.log('');
