/**
 * Record and replay of route/SMS/call traffic.
 *
 * Record is a generator, not a tap: it reads the target's directory through the public API
 * (groups, then members, with the caller's key) and writes a busy hour's mix of requests between
 * real members to a record file (bench/load/record-file.ts) — route decisions, SMS between
 * colleagues and full calls (create → answer → hangup), with Poisson arrival times at `rate`.
 * Tapping a live service would need a hook on its hot path; the generator needs nothing from
 * the service and gives the same file for the same directory and seed.
 *
 * Replay sends a record file's flows to a target with autocannon at a fixed offered rate and
 * reports as the load profiles do.
 */
import { prng } from '../fixtures/directory.js';
import { driveLoad } from './drive.js';
import { flowsOf, type RecordLine } from './record-file.js';
import { type LoadReport, machine, RATE_NOTE } from './report.js';

interface Member {
  id: string;
  msisdn: string;
  shortCode?: string | null;
  status?: string;
}

export interface RecordOptions {
  url: string;
  key: string;
  durationSeconds: number;
  /** Mean requests per second of the recording (route + SMS + call steps). */
  rate: number;
  seed: number;
  /** At most this many groups are read. */
  maxGroups: number;
}

async function getJson(url: string, key: string): Promise<unknown> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Active members per group, read through the API. */
export async function readDirectory(url: string, key: string, maxGroups: number): Promise<Member[][]> {
  const origin = url.replace(/\/$/, '');
  const groups = (await getJson(`${origin}/v1/groups?limit=${maxGroups}`, key)) as {
    items: Array<{ id: string }>;
  };
  const out: Member[][] = [];
  for (const g of groups.items.slice(0, maxGroups)) {
    const members = (await getJson(`${origin}/v1/groups/${g.id}/members?limit=500`, key)) as {
      items: Member[];
    };
    const active = members.items.filter((m) => (m.status ?? 'active') === 'active');
    if (active.length >= 2) out.push(active);
  }
  if (out.length === 0) throw new Error('the target has no group with two active members');
  return out;
}

const TEXTS = ['下午三点在三楼会议室开会', '收到，马上到', '合同已发邮箱，请查收', '明天出差，有事电话联系'];

/** A busy hour's mix over `groups`: 70 % route, 15 % SMS, 15 % calls; deterministic per seed. */
export function generateRecords(
  groups: Member[][],
  options: Pick<RecordOptions, 'durationSeconds' | 'rate' | 'seed'>,
): RecordLine[] {
  const random = prng(options.seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const lines: RecordLine[] = [];
  const end = options.durationSeconds * 1000;
  let t = 0;
  let flow = 0;
  for (;;) {
    t += (-Math.log(1 - random()) / options.rate) * 1000; // Poisson arrivals
    if (t >= end) break;
    const at = Math.round(t * 10) / 10;
    const group = pick(groups);
    const from = pick(group);
    let to = pick(group);
    if (to.id === from.id) to = group[(group.indexOf(from) + 1) % group.length]!;
    const roll = random();
    if (roll < 0.7) {
      const dialled = random() < 0.6 && to.shortCode ? to.shortCode : random() < 0.9 ? to.msisdn : '112';
      lines.push({
        t: at,
        flow: flow++,
        name: 'route',
        method: 'POST',
        path: '/v1/route',
        body: { from: from.msisdn, to: dialled },
      });
    } else if (roll < 0.85) {
      lines.push({
        t: at,
        flow: flow++,
        name: 'sms',
        method: 'POST',
        path: '/v1/messages',
        body: { from: from.msisdn, to: to.shortCode ?? to.msisdn, text: pick(TEXTS) },
      });
    } else {
      const id = flow++;
      const talk = 200 + Math.round(random() * 2000);
      lines.push({
        t: at,
        flow: id,
        name: 'call create',
        method: 'POST',
        path: '/v1/calls',
        body: { from: from.msisdn, to: to.msisdn },
        save: 'callId',
      });
      lines.push({
        t: at + 50,
        flow: id,
        name: 'call answer',
        method: 'POST',
        path: '/v1/calls/{callId}/actions',
        body: { action: 'answer' },
      });
      lines.push({
        t: at + 50 + talk,
        flow: id,
        name: 'call hangup',
        method: 'POST',
        path: '/v1/calls/{callId}/actions',
        body: { action: 'hangup' },
      });
    }
  }
  return lines.sort((a, b) => a.t - b.t);
}

export async function recordTraffic(options: RecordOptions): Promise<RecordLine[]> {
  const groups = await readDirectory(options.url, options.key, options.maxGroups);
  return generateRecords(groups, options);
}

export interface ReplayOptions {
  url: string;
  key: string;
  lines: RecordLine[];
  rate: number;
  durationSeconds: number;
  connections: number;
  warmupSeconds: number;
  progress: boolean;
  source?: string;
}

export async function replayRecords(options: ReplayOptions): Promise<LoadReport> {
  const startedAt = new Date().toISOString();
  const flows = flowsOf(options.lines);
  const result = await driveLoad({
    origin: options.url.replace(/\/$/, ''),
    headers: options.key ? { authorization: `Bearer ${options.key}` } : {},
    flows,
    connections: options.connections,
    overallRate: options.rate,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    progress: options.progress,
  });
  const { lines: _lines, key: _key, ...shown } = options;
  return {
    kind: 'load-replay',
    title: `Load replay of ${options.source ?? 'a record file'}`,
    startedAt,
    node: process.version,
    machine: machine(),
    options: { ...shown, requestsInFile: options.lines.length, flows: flows.length },
    notes: [
      'Flows are replayed in file order, each on one connection, at the offered rate (not at the recorded times); the file loops if it runs out.',
      'Server CPU is this process’s and means nothing for a remote target.',
      RATE_NOTE,
    ],
    cases: [
      {
        name: `replay · ${options.rate} req/s`,
        endpoint: 'replay',
        mode: 'rate',
        connections: Math.min(options.connections, options.rate),
        offeredRate: options.rate,
        result,
      },
    ],
  };
}
