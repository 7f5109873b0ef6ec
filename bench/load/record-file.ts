/**
 * The load record file: JSON lines, one request each, in the order they were issued.
 *
 *   {"t":0,"flow":0,"name":"route","method":"POST","path":"/v1/route","body":{…}}
 *   {"t":3,"flow":1,"name":"call create","method":"POST","path":"/v1/calls","body":{…},"save":"callId"}
 *   {"t":9,"flow":1,"name":"call answer","method":"POST","path":"/v1/calls/{callId}/actions","body":{…}}
 *
 * `t` is ms since the first request; `flow` groups the requests that must run in order on one
 * connection (a call's create → answer → hangup); `save` keeps the answer's `id` under that
 * name, and `{name}` in a later path of the same flow is replaced by it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

export const RecordLine = z.object({
  t: z.number().nonnegative(),
  flow: z.number().int().nonnegative(),
  name: z.string().min(1),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().startsWith('/'),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  save: z.string().regex(/^\w+$/).optional(),
});
export type RecordLine = z.infer<typeof RecordLine>;

/** One step of a flow as the load client sends it (the body already serialised). */
export interface LoadStep {
  name: string;
  method: RecordLine['method'];
  path: string;
  body?: string;
  headers?: Record<string, string>;
  save?: string;
}

export type LoadFlow = LoadStep[];

export function serialiseRecords(lines: RecordLine[]): string {
  return lines.map((line) => JSON.stringify(line)).join('\n') + (lines.length ? '\n' : '');
}

/** Parses a record file's text; names the line of the first bad record. */
export function parseRecords(text: string): RecordLine[] {
  const out: RecordLine[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Error(`line ${i + 1}: not JSON`);
    }
    const parsed = RecordLine.safeParse(json);
    if (!parsed.success) throw new Error(`line ${i + 1}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    out.push(parsed.data);
  });
  return out;
}

export const writeRecordFile = (file: string, lines: RecordLine[]) =>
  writeFileSync(file, serialiseRecords(lines));
export const readRecordFile = (file: string) => parseRecords(readFileSync(file, 'utf8'));

/** Groups the lines into flows, in order of each flow's first request. */
export function flowsOf(lines: RecordLine[]): LoadFlow[] {
  const byFlow = new Map<number, LoadFlow>();
  for (const line of [...lines].sort((a, b) => a.t - b.t)) {
    let flow = byFlow.get(line.flow);
    if (!flow) {
      flow = [];
      byFlow.set(line.flow, flow);
    }
    flow.push({
      name: line.name,
      method: line.method,
      path: line.path,
      ...(line.body === undefined ? {} : { body: JSON.stringify(line.body) }),
      ...(line.headers ? { headers: line.headers } : {}),
      ...(line.save ? { save: line.save } : {}),
    });
  }
  return [...byFlow.values()];
}
