/**
 * `npm run seed:demo [-- --url URL] [--key KEY]`: loads the demo customer (scripts/demo/data.ts)
 * through the public API, with the admin key.
 *
 * - With `--url`, or when a service answers at HOST:PORT (the variables `npm start` reads), it
 *   seeds that running server over HTTP, which sees the rows at once.
 * - Otherwise it builds the app in this process on DATA_DIR and injects the same requests; start
 *   the server afterwards. (Never leave a server of that DATA_DIR running on another address
 *   without passing its --url: it would not see rows written under it.)
 *
 * The admin key: --key, else ADMIN_API_KEY, else DATA_DIR/admin-api-key (in-process, a key of
 * this run suffices). A second run keeps what is there and adds what is missing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { injectTransport, type Transport, urlTarget } from '../src/sim/scenario/transport.js';
import { DemoSeedError, seedDemo } from './demo/seed.js';

const { values } = parseArgs({
  options: { url: { type: 'string' }, key: { type: 'string' } },
});
const config = loadConfig();

function adminKey(): string {
  const key = values.key ?? config.adminApiKey;
  if (key) return key;
  const file = path.join(config.dataDir, 'admin-api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new DemoSeedError(`no admin key: pass --key, set ADMIN_API_KEY, or keep ${file}`);
}

async function answersAt(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

async function openTransport(): Promise<Transport> {
  const local = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  const url = values.url ?? ((await answersAt(local)) ? local : undefined);
  if (url !== undefined) {
    console.log(`seeding the server at ${url}`);
    return urlTarget(url, adminKey()).open(Date.now());
  }
  console.log(`no server at ${local}: seeding ${path.resolve(config.dataDir)} in this process`);
  const key = config.adminApiKey ?? randomBytes(24).toString('base64url');
  const app = await buildApp({ config: { ...config, logLevel: 'warn' }, adminKey: key });
  return injectTransport(app, key);
}

try {
  const api = await openTransport();
  try {
    const report = await seedDemo(api, console.log);
    console.log(
      `demo group ${report.groupId}: ${report.created.length} parts created, ${report.kept.length} kept, ${report.skipped.length} skipped`,
    );
  } finally {
    await api.close();
  }
} catch (error) {
  // A server that does not answer (fetch failed) or refuses a request: its reason, no stack.
  const unreachable = error instanceof TypeError && error.message === 'fetch failed';
  if (!(error instanceof DemoSeedError) && !unreachable) throw error;
  console.error(unreachable ? `${values.url}: ${String((error as Error).cause)}` : error.message);
  process.exitCode = 1;
}
