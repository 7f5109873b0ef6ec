/**
 * `npm run bench:data -- --members N [--groups G] [--data-dir ./data-bench] [--force]`
 *
 * Writes a SQLite database with N generated members (default 100,000) across G groups (default
 * N / 100) into DATA_DIR, for running the real server against a large directory:
 *
 *   npm run bench:data -- --members 100000
 *   DATA_DIR=./data-bench CLOCK=simulated npm start
 *
 * The data are the HTTP route benchmark's (bench/fixtures/seed-db.ts): every group has a VPN
 * (3–6 digit codes), members hold short codes 6000… (one in ten holds none), four sub-groups
 * with codes 8001–8004, about 1 % of members are suspended. Member `i` has the MSISDN
 * `benchMsisdn(i)` (bench/fixtures/directory.ts), e.g. +8613800000000, +8613900000001, …
 * A directory that already holds data is left alone unless `--force` replaces the database.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describeBenchData, generateBenchData, writeBenchData } from '../bench/fixtures/seed-db.js';
import { openDatabase } from '../db/sqlite/index.js';

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run bench:data -- --members N [--groups G] [--data-dir DIR] [--force]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const options = { members: 100_000, groups: 0, dataDir: './data-bench', force: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    const count = () => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 1) usage(`${arg} must be a positive integer`);
      return v;
    };
    if (arg === '--members') options.members = count();
    else if (arg === '--groups') options.groups = count();
    else if (arg === '--data-dir') options.dataDir = value();
    else if (arg === '--force') options.force = true;
    else if (arg === '--help' || arg === '-h') usage('Writes a generated bench database.');
    else usage(`unknown argument ${arg}`);
  }
  if (options.groups === 0) options.groups = Math.max(1, Math.floor(options.members / 100));
  if (options.groups > options.members) usage('--groups must not exceed --members');
  return options;
}

const options = parseArgs(process.argv.slice(2));
const file = path.join(options.dataDir, 'service.sqlite');
if (existsSync(file)) {
  if (!options.force) {
    const db = openDatabase(options.dataDir);
    const row = db.$client.prepare('SELECT count(*) AS n FROM groups').get() as { n: number };
    db.$client.close();
    if (row.n > 0) usage(`${file} already holds ${row.n} groups: pass --force to replace it`);
  } else {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  }
}

const started = performance.now();
const data = generateBenchData({ members: options.members, groups: options.groups });
const db = openDatabase(options.dataDir);
try {
  writeBenchData(db, data);
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
} finally {
  db.$client.close();
}
const summary = describeBenchData(data);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `wrote ${file} in ${seconds} s: ${summary.groups.toLocaleString('en-US')} groups, ${summary.members.toLocaleString('en-US')} members ` +
    `(${summary.memberShortCodes.toLocaleString('en-US')} short codes, ${summary.suspended.toLocaleString('en-US')} suspended), ` +
    `${summary.subgroups.toLocaleString('en-US')} sub-groups, ${summary.subgroupLinks.toLocaleString('en-US')} sub-group links`,
);
console.log(`run the server on it: DATA_DIR=${options.dataDir} CLOCK=simulated npm start`);
