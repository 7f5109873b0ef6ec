import type { HttpMethod, Transport } from '../../src/sim/scenario/transport.js';

/**
 * The seed's view of the API: requests that must succeed, creations that may clash with what a
 * database already holds (noted as skipped, with the API's reason), paged lists, and the report.
 */

export interface SeedReport {
  groupId: string;
  created: string[];
  kept: string[];
  /** Parts that could not be added, with the API's reason (e.g. a number held by another group). */
  skipped: string[];
}

export type Json = Record<string, unknown>;

export class DemoSeedError extends Error {
  override name = 'DemoSeedError';
}

export interface SeedClient {
  readonly report: SeedReport;
  note(list: 'created' | 'kept' | 'skipped', what: string): void;
  /** The answer when its status is one of `ok`; anything else stops the seed, naming the request. */
  send<T = Json>(
    method: HttpMethod,
    path: string,
    body?: unknown,
    ok?: number[],
  ): Promise<{ status: number; body: T }>;
  /** POST; a 409 or 422 (the data clashes with what is there) is noted as skipped and gives null. */
  create<T = Json>(what: string, path: string, body: unknown): Promise<T | null>;
  /** Every item of a paged list. */
  listAll<T>(path: string): Promise<T[]>;
}

export function seedClient(api: Transport, log: (line: string) => void): SeedClient {
  const report: SeedReport = { groupId: '', created: [], kept: [], skipped: [] };
  const refused = (method: string, path: string, status: number, body: unknown) =>
    new DemoSeedError(`${method} ${path} answered ${status}: ${JSON.stringify(body)}`);

  const client: SeedClient = {
    report,
    note(list, what) {
      report[list].push(what);
      log(`${list.padEnd(7)} ${what}`);
    },
    async send<T>(method: HttpMethod, path: string, body?: unknown, ok = [200, 201, 204]) {
      const res = await api.request(method, path, body);
      if (!ok.includes(res.status)) throw refused(method, path, res.status, res.body);
      return { status: res.status, body: res.body as T };
    },
    async create<T>(what: string, path: string, body: unknown) {
      const res = await api.request('POST', path, body);
      if (res.status === 201) {
        client.note('created', what);
        return res.body as T;
      }
      if (res.status !== 409 && res.status !== 422) throw refused('POST', path, res.status, res.body);
      client.note('skipped', `${what}: ${(res.body as { detail?: string }).detail ?? res.status}`);
      return null;
    },
    async listAll<T>(path: string) {
      const items: T[] = [];
      const separator = path.includes('?') ? '&' : '?';
      let cursor: string | null | undefined = null;
      do {
        const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page: { body: { items: T[]; nextCursor?: string | null } } = await client.send<{
          items: T[];
          nextCursor?: string | null;
        }>('GET', `${path}${separator}limit=500${after}`);
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return items;
    },
  };
  return client;
}
