import { newId } from '../domain/ids.js';
import type { AuditRow } from '../store/audit-repo.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import type { Repositories } from '../store/repositories.js';

export interface AuditEntry {
  id: string;
  at: string;
  keyId: string | null;
  method: string;
  path: string;
  status: number;
  resource?: string;
}

const view = (row: AuditRow): AuditEntry => ({
  id: row.id,
  at: new Date(row.at).toISOString(),
  keyId: row.keyId,
  method: row.method,
  path: row.path,
  status: row.status,
  ...(row.resource === null ? {} : { resource: row.resource }),
});

/** The audit log: who changed (or tried to change) what, when, on the wall clock. */
export function createAuditService(deps: { repos: Pick<Repositories, 'audit'>; now: () => number }) {
  const repo = deps.repos.audit;
  return {
    async record(entry: Omit<AuditRow, 'id' | 'at'>): Promise<void> {
      await repo.insert({ id: newId('aud'), at: deps.now(), ...entry });
    },
    async list(page: PageRequest & { keyId?: string | undefined }): Promise<Page<AuditEntry>> {
      return toPage(await repo.page(page), page.limit, view);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
