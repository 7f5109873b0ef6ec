import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

/**
 * The process entry: reads the environment, resolves the admin key, listens, and closes with
 * grace on SIGTERM/SIGINT (stop accepting, drain in-flight requests, close the database).
 */
function resolveAdminKey(
  dataDir: string,
  configured: string | undefined,
): { key: string; generated: boolean } {
  if (configured) return { key: configured, generated: false };
  const stored = storedSecret(dataDir, 'admin-api-key', () => `ak_${randomBytes(24).toString('base64url')}`);
  return stored ?? { key: randomBytes(24).toString('base64url'), generated: true };
}

/**
 * The key of the API keys' HMAC: the environment's, else a file in the data directory made at
 * first start (never printed: nobody needs to know it, only to keep it with the database).
 * In memory, an ephemeral one, like the keys it protects.
 */
function resolveHmacSecret(dataDir: string, configured: string | undefined): string | undefined {
  if (configured) return configured;
  return storedSecret(dataDir, 'api-key-hmac-secret', () => randomBytes(32).toString('base64url'))?.key;
}

/** A secret kept in a file of the data directory (owner-only), made by `generate` if absent. */
function storedSecret(
  dataDir: string,
  name: string,
  generate: () => string,
): { key: string; generated: boolean } | null {
  if (dataDir === ':memory:') return null;
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, name);
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), generated: false };
  const key = generate();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, generated: true };
}

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = process.stdout.isTTY
    ? { level: config.logLevel, transport: { target: 'pino-pretty' }, redact: ['req.headers.authorization'] }
    : { level: config.logLevel, redact: ['req.headers.authorization'] };

  const admin = resolveAdminKey(config.dataDir, config.adminApiKey);
  const apiKeyHmacSecret = resolveHmacSecret(config.dataDir, config.apiKeyHmacSecret);
  let server: Awaited<ReturnType<typeof buildApp>>;
  try {
    server = await buildApp({
      config,
      logger,
      adminKey: admin.key,
      ...(apiKeyHmacSecret === undefined ? {} : { apiKeyHmacSecret }),
    });
  } catch (error) {
    // A database that cannot be opened (PostgreSQL unreachable, a refused login, a migration
    // that fails) is a message naming it, not a stack trace.
    process.stderr.write(`cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  if (admin.generated) {
    // Printed once, on the terminal, never through the logger.
    process.stdout.write(
      `\nAdmin API key (stored in ${path.join(config.dataDir, 'admin-api-key')}):\n  ${admin.key}\n\n`,
    );
  }

  const grace = closeWithGrace(
    {
      delay: config.shutdownTimeoutMs,
      logger: false,
      skip: ['SIGINT', 'SIGTERM'],
      onTimeout: (ms) => server.log.error(`not closed after ${ms} ms: exiting with requests unanswered`),
    },
    async ({ err }) => {
      if (err) server.log.error({ err }, 'closing after an uncaught error');
      await server.close();
      server.log.info('server closed');
    },
  );
  // SIGINT and SIGTERM are handled here rather than by close-with-grace, which exits at once on
  // a second signal: npm (whose start script execs node, so the signal reaches this process)
  // forwards the signal it got, then sends it again as it exits. A second signal well after
  // the first still means "now".
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt === 0) {
      firstSignalAt = Date.now();
      server.log.info({ signal }, 'closing: finishing in-flight requests, refusing new ones (503)');
      void grace.close();
    } else if (Date.now() - firstSignalAt > 1000) {
      server.log.error({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await server.listen({ port: config.port, host: config.host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw error;
    const why =
      code === 'EADDRINUSE'
        ? 'is already in use'
        : code === 'EACCES'
          ? 'needs privileges this process lacks'
          : 'is not an address of this machine';
    process.stderr.write(
      `cannot listen on ${config.host}:${config.port}: the port ${why}. Set PORT (and HOST) to another, e.g. PORT=3001 npm start\n`,
    );
    await server.close();
    process.exit(1);
  }
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  server.log.info(`API reference at ${origin}/docs; load demo data with npm run seed:demo`);
}

await main();
