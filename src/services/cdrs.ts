import { notFound } from '../domain/errors.js';
import type { CdrFilter, CdrRepo } from '../store/cdr-repo.js';
import { type PageRequest, toPage } from '../store/pagination.js';
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

/** Reads CDRs for ops and partners; a partner sees the CDRs billed to its groups. */
export function createCdrService(deps: { repo: CdrRepo }) {
  const scoped = (filter: Omit<CdrFilter, 'scope'>, principal: Principal): CdrFilter => {
    if (filter.groupId !== undefined && !principal.canSee(filter.groupId)) throw notFound('group');
    return { ...filter, scope: principal.kind === 'admin' ? null : principal.groupIds };
  };

  return {
    list(filter: Omit<CdrFilter, 'scope'>, page: PageRequest, principal: Principal) {
      return toPage(deps.repo.list(scoped(filter, principal), page), page.limit, (row) =>
        cdrView(row, principal),
      );
    },

    /** All matching CDRs as CSV text chunks (header first), for a streamed export. */
    csv(filter: Omit<CdrFilter, 'scope'>, principal: Principal): Iterable<string> {
      const where = scoped(filter, principal);
      const repo = deps.repo;
      return (function* () {
        yield `${CSV_COLUMNS.join(',')}\r\n`;
        for (const rows of repo.each(where)) {
          let chunk = '';
          for (const row of rows) {
            const view = cdrView(row, principal);
            chunk += `${CSV_COLUMNS.map((c) => csvField(view[c])).join(',')}\r\n`;
          }
          yield chunk;
        }
      })();
    },
  };
}

export type CdrService = ReturnType<typeof createCdrService>;
