import type { LightMyRequestResponse } from 'fastify';
import type { FuzzRequest } from './requests.js';

/**
 * What every answer must be, whatever was sent: never a 5xx; an error is problem+json whose
 * `status` is the HTTP status; a success is JSON (or empty for 204, or the CSV export).
 * Returns what is wrong, or undefined.
 */
export function answerDefect(res: LightMyRequestResponse): string | undefined {
  const status = res.statusCode;
  const type = String(res.headers['content-type'] ?? '');
  if (status >= 500) return `${status} answered`;
  if (status < 200 || (status >= 300 && status < 400)) return `unexpected status ${status}`;
  if (status >= 400) {
    if (!type.startsWith('application/problem+json')) return `${status} with content-type ${type || 'none'}`;
    const body = parse(res.body);
    if (body === undefined || typeof body !== 'object' || body === null)
      return `${status} with a body that is not JSON`;
    const problem = body as Record<string, unknown>;
    for (const field of ['type', 'title', 'detail', 'code'])
      if (typeof problem[field] !== 'string') return `${status} problem without a string ${field}`;
    if (problem.status !== status) return `${status} problem whose status is ${String(problem.status)}`;
    return undefined;
  }
  if (status === 204) return res.body === '' ? undefined : '204 with a body';
  if (type.startsWith('text/csv')) return undefined;
  if (!type.startsWith('application/json')) return `${status} with content-type ${type || 'none'}`;
  const body = parse(res.body);
  if (body === undefined) return `${status} with a body that is not JSON`;
  const expanded = findString(body, (text) => EXPANDED_YEAR.test(text));
  return expanded === undefined
    ? undefined
    : `${status} with a time outside ISO 8601's four-digit years: ${expanded}`;
}

/** `+010000-01-01T…`: what `Date#toISOString` writes past year 9999, which clients cannot parse. */
const EXPANDED_YEAR = /^[+-]\d{6}-\d\d-\d\dT/;

function findString(value: unknown, test: (text: string) => boolean): string | undefined {
  const stack = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string' && test(node)) return node;
    if (node !== null && typeof node === 'object') stack.push(...Object.values(node));
  }
  return undefined;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface Defect {
  reason: string;
  request: FuzzRequest;
  status: number;
  body: string;
}

/** Keeps, per operation and reason, the smallest request that showed it: the one to debug. */
export class DefectLog {
  private readonly byKind = new Map<string, { defect: Defect; count: number }>();

  add(defect: Defect): void {
    const kind = `${defect.request.operationId}: ${defect.reason}`;
    const seen = this.byKind.get(kind);
    if (seen === undefined) this.byKind.set(kind, { defect, count: 1 });
    else {
      seen.count += 1;
      if (size(defect.request) < size(seen.defect.request)) seen.defect = defect;
    }
  }

  get kinds(): string[] {
    return [...this.byKind.keys()].sort();
  }

  /** Each kind with its smallest request, ready to paste into `app.inject`. */
  report(): string {
    return [...this.byKind.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, { defect, count }]) => {
        const { operationId: _, labels, ...inject } = defect.request;
        return [
          `✗ ${kind} (${count}×; ${labels.join(', ')})`,
          `  request: ${clip(JSON.stringify(inject), 1_500)}`,
          `  answer:  ${defect.status} ${clip(defect.body, 500)}`,
        ].join('\n');
      })
      .join('\n');
  }
}

const size = (request: FuzzRequest) => request.url.length + (request.payload?.length ?? 0);
const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
