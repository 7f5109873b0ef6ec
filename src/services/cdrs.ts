import { notFound } from '../http/error-catalogue.js';
import type { CdrFilter, CdrRepo } from '../store/cdr-repo.js';
import { type PageRequest, toPage } from '../store/pagination.js';
import type { Principal } from './api-keys.js';
import { cdrView } from './calls.js';

/** Reads CDRs for ops and partners; a partner sees the CDRs billed to its groups. */
export function createCdrService(deps: { repo: CdrRepo }) {
  return {
    list(filter: Omit<CdrFilter, 'scope'>, page: PageRequest, principal: Principal) {
      if (filter.groupId !== undefined && !principal.canSee(filter.groupId)) throw notFound('group');
      const scope = principal.kind === 'admin' ? null : principal.groupIds;
      return toPage(deps.repo.list({ ...filter, scope }, page), page.limit, cdrView);
    },
  };
}

export type CdrService = ReturnType<typeof createCdrService>;
