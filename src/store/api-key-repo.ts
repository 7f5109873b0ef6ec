import type { Db } from '../../db/index.js';
import { apiKeys } from '../../db/schema.js';

export interface ApiKeyRow {
  id: string;
  name: string;
  keyHash: string;
  groupIds: string[];
  createdAt: number;
}

export function createApiKeyRepo(db: Db) {
  return {
    all: (): ApiKeyRow[] => db.select().from(apiKeys).all(),
    insert: (row: ApiKeyRow) => db.insert(apiKeys).values(row).run(),
  };
}

export type ApiKeyRepo = ReturnType<typeof createApiKeyRepo>;
