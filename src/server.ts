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
  const server = await buildApp({
    config,
    logger,
    adminKey: admin.key,
    ...(apiKeyHmacSecret === undefined ? {} : { apiKeyHmacSecret }),
  });
  if (admin.generated) {
    // Printed once, on the terminal, never through the logger.
    process.stdout.write(
      `\nAdmin API key (stored in ${path.join(config.dataDir, 'admin-api-key')}):\n  ${admin.key}\n\n`,
    );
  }

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) server.log.error({ err }, 'closing after an uncaught error');
    else server.log.info({ signal }, 'closing: draining in-flight requests');
    await server.close();
  });

  await server.listen({ port: config.port, host: config.host });
}

await main();
