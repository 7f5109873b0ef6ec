import { notFound } from '../domain/errors.js';
import type { CdrFilter } from '../store/cdr-repo.js';
import { type PageRequest, toPage } from '../store/pagination.js';
import type { Repositories } from '../store/repositories.js';
import type { Principal } from './api-keys.js';
import { cdrView } from './calls.js';

const CSV_COLUMNS = [
  'id',
  'callId',
  'groupId',
  'callType',
  'from',
  'to',
  'presentedCallerId',
  'startedAt',
  'answeredAt',
  'endedAt',
  'billableSeconds',
  'tariffClass',
  'rateFenPerMinute',
  'chargeFen',
] as const;

/** RFC 4180: quote a field that holds a comma, quote or line break; double inner quotes. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CDRs fetched a page at a time by the CSV export. */
const EXPORT_PAGE = 1_000;

/** Reads CDRs for ops and partners; a partner sees the CDRs billed to its groups. */
export function createCdrService(deps: { repos: Pick<Repositories, 'cdrs'> }) {
  const repo = deps.repos.cdrs;
  const scoped = (filter: Omit<CdrFilter, 'scope'>, principal: Principal): CdrFilter => {
    if (filter.groupId !== undefined && !principal.canSee(filter.groupId)) throw notFound('group');
    return { ...filter, scope: principal.kind === 'admin' ? null : principal.groupIds };
  };

  return {
    async list(filter: Omit<CdrFilter, 'scope'>, page: PageRequest, principal: Principal) {
      return toPage(await repo.list(scoped(filter, principal), page), page.limit, (row) =>
        cdrView(row, principal),
      );
    },

    /**
     * All matching CDRs as CSV text chunks (header first), for a streamed export. Fetched a page
     * at a time: a long export never holds a statement open between pages, so writes (calls
     * ending) go on while it streams. The scope is checked before the first chunk.
     */
    csv(filter: Omit<CdrFilter, 'scope'>, principal: Principal): AsyncIterable<string> {
      const where = scoped(filter, principal);
      return (async function* () {
        yield `${CSV_COLUMNS.join(',')}\r\n`;
        let cursor: string | undefined;
        for (;;) {
          const rows = await repo.list(where, { limit: EXPORT_PAGE - 1, cursor });
          if (rows.length === 0) return;
          let chunk = '';
          for (const row of rows) {
            const view = cdrView(row, principal);
            chunk += `${CSV_COLUMNS.map((c) => csvField(view[c])).join(',')}\r\n`;
          }
          yield chunk;
          if (rows.length < EXPORT_PAGE) return;
          cursor = rows[rows.length - 1]!.id;
        }
      })();
    },
  };
}

export type CdrService = ReturnType<typeof createCdrService>;
