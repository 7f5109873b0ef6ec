import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The committed migrations of the dialect whose entry module is `moduleUrl`
 * (db/<dialect>/index.ts): beside it when run from the sources (tsx, vitest), and in the
 * source tree when run from the compiled dist/db/<dialect>/, since tsc copies no SQL.
 */
export function migrationsFolderOf(moduleUrl: string): string {
  const moduleDir = path.dirname(fileURLToPath(moduleUrl));
  const beside = path.join(moduleDir, 'migrations');
  if (existsSync(beside)) return beside;
  return path.resolve(moduleDir, '../../../db', path.basename(moduleDir), 'migrations');
}
