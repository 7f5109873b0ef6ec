import type { AliasTable } from './aliases.js';
import type { ScenarioClock } from './time.js';
import type { HttpMethod, Transport, TransportResponse } from './transport.js';

/** What setup and steps share during one scenario's run. */
export interface RunContext {
  aliases: AliasTable;
  clock: ScenarioClock;
  /** Every request of the run goes through here: the time limit and the request log. */
  api(method: HttpMethod, path: string, body?: unknown): Promise<TransportResponse>;
}

export class TimeLimitError extends Error {
  override name = 'TimeLimitError';
}

/** A setup or step request the target refused. */
export class RequestFailed extends Error {
  override name = 'RequestFailed';
}

export function createContext(
  transport: Transport,
  aliases: AliasTable,
  clock: ScenarioClock,
  deadline: number,
  log: { method: string; path: string; status: number }[],
): RunContext {
  return {
    aliases,
    clock,
    async api(method, path, body) {
      if (Date.now() > deadline) throw new TimeLimitError('the run reached its time limit');
      const res = await transport.request(method, path, body);
      log.push({ method, path, status: res.status });
      return res;
    },
  };
}

/** `409 short_code_taken: Short code 601 is taken (body.shortCode: …)` */
export function describeResponse(res: TransportResponse): string {
  const body = res.body as {
    code?: unknown;
    detail?: unknown;
    errors?: { path: string; message: string }[];
  } | null;
  if (body === null || typeof body !== 'object')
    return `${res.status}${body == null ? '' : ` ${String(body)}`}`;
  const fields = body.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
  return [
    String(res.status),
    typeof body.code === 'string' ? ` ${body.code}` : '',
    typeof body.detail === 'string' ? `: ${body.detail}` : '',
    fields ? ` (${fields})` : '',
  ].join('');
}

/** Makes a request that must succeed (setup), or throws naming the scenario path. */
export async function required(
  ctx: RunContext,
  where: string,
  method: HttpMethod,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await ctx.api(method, path, body);
  if (res.status < 200 || res.status > 299)
    throw new RequestFailed(`${where}: ${method} ${path} → ${describeResponse(res)}`);
  return (res.body ?? {}) as Record<string, unknown>;
}

export const enc = encodeURIComponent;
