/**
 * The arguments of `npm run bench:load` and `npm run load` (scripts/load.ts), checked before
 * anything runs: a wrong one is a UsageError with a message naming it, printed with USAGE.
 */
import { parseArgs } from 'node:util';

/** The endpoint families of the load profiles, in the order they run and are titled. */
export const PROFILE_FAMILIES = ['baseline', 'route', 'sms', 'call', 'conference'];

/**
 * The generated directory has 200 groups, and the SMS and call profiles pair colleagues of one
 * group with distinct callees: below 5 members a group they find few or none (at 200 members,
 * one a group, none), and the generator refuses fewer members than groups.
 */
export const MIN_MEMBERS = 1_000;

export const USAGE = `Usage:
  npm run bench:load [-- --duration S --warmup S --connections C --rate N --members N --only route,call]
  npm run load -- --record FILE --url U --key K [--duration S --rate N --seed N --groups N]
  npm run load -- --record FILE --scenario FILE_OR_DIR [--url U --key K]
  npm run load -- --replay FILE --url U [--key K] --rate N --duration S [--connections C --warmup S]

Profiles (--profiles, what bench:load runs): a bare Fastify baseline and the service's hot
endpoints against --members generated members (default 20000, at least ${MIN_MEMBERS}); --only
picks among ${PROFILE_FAMILIES.join(', ')}. The key defaults to $ADMIN_API_KEY.`;

export class UsageError extends Error {}

const OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  profiles: { type: 'boolean', default: false },
  record: { type: 'string' },
  scenario: { type: 'string', multiple: true },
  replay: { type: 'string' },
  url: { type: 'string' },
  key: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  rate: { type: 'string' },
  connections: { type: 'string' },
  members: { type: 'string' },
  only: { type: 'string' },
  seed: { type: 'string', default: '1' },
  groups: { type: 'string', default: '50' },
  out: { type: 'string' },
} as const;

function number(name: string, value: string | undefined, min: number, whole = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const kind = whole ? 'a whole number' : 'a number';
  if (value.trim() === '' || !Number.isFinite(n) || n < min || (whole && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be ${kind} ${min === 0 ? '≥ 0' : `≥ ${min}`}, not ${value}`);
  }
  return n;
}

const positive = (name: string, value: string | undefined) => {
  const n = number(name, value, 0);
  if (n === 0) throw new UsageError(`--${name} must be more than 0`);
  return n;
};

function families(only: string | undefined): string[] {
  const names = only ? only.split(',').map((name) => name.trim()) : [];
  const unknown = names.filter((name) => !PROFILE_FAMILIES.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `--only: unknown ${unknown.join(', ')} (choose among ${PROFILE_FAMILIES.join(', ')})`,
    );
  }
  return names;
}

export function parseLoadArgs(args: string[], env: NodeJS.ProcessEnv = {}) {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'];
  try {
    values = parseArgs({ args, options: OPTIONS }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.record && !values.scenario && !values.url) {
    throw new UsageError('--record needs --url (and --key) of the service to read members from');
  }
  if (values.replay && !values.url) throw new UsageError('--replay needs --url of the target');
  return {
    ...values,
    key: values.key ?? env.ADMIN_API_KEY ?? '',
    duration: positive('duration', values.duration),
    warmup: number('warmup', values.warmup, 0),
    rate: positive('rate', values.rate),
    connections: number('connections', values.connections, 1, true),
    members: number('members', values.members, MIN_MEMBERS, true),
    only: families(values.only),
    seed: number('seed', values.seed, 0, true) ?? 1,
    groups: number('groups', values.groups, 1, true) ?? 50,
  };
}
