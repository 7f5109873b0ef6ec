import { openPostgres } from '../db/postgres/index.js';
import { generateBenchData } from '../bench/fixtures/seed-db.js';
import { writeBenchDataPostgres } from '../bench/fixtures/seed-postgres.js';
import { startBenchPostgres } from '../bench/lib/postgres.js';
import { processTreeMeter } from '../bench/lib/cpu.js';
const server = await startBenchPostgres();
console.log(server.description, server.serverPid);
try {
  const data = generateBenchData({ members: 100_000, groups: 1_000 });
  const database = await server.createDatabase('seed test');
  const t0 = performance.now();
  const pgdb = await openPostgres(database.url);
  const t1 = performance.now();
  const meter = processTreeMeter(server.serverPid!);
  const c0 = meter.read();
  await writeBenchDataPostgres(pgdb.db, data);
  const t2 = performance.now();
  console.log('migrate', t1 - t0, 'seed', t2 - t1, 'db cpu ms', meter.read()! - c0!);
  await pgdb.close();
  await database.drop();
} finally {
  await server.stop();
}
