import { compilePattern, matchesPattern, PatternError } from './pattern-matcher.js';

/**
 * Partial matching of an expectation against what the API answered, with a per-field diff.
 *
 * - An object matches when each field it lists matches (others are ignored).
 * - An array matches as an ordered subsequence: each expected element matches a later actual
 *   element than the one before (`events: [{type: greeting}, {type: prompt}]`).
 * - Scalars are equal (no coercion: `'8001'` is not `8001`).
 * - An object whose keys all start with `$` is a set of operators, all of which must hold.
 */

export interface Mismatch {
  /** Where, e.g. `events[2].text`; empty for the answer itself. */
  path: string;
  message: string;
  expected?: unknown;
  actual?: unknown;
}

export const OPERATORS = [
  '$exact',
  '$unordered',
  '$length',
  '$first',
  '$last',
  '$absent',
  '$exists',
  '$regex',
  '$includes',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$oneOf',
  '$not',
] as const;
type Operator = (typeof OPERATORS)[number];
const OPERATOR_SET = new Set<string>(OPERATORS);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export function isOperatorObject(value: unknown): value is Partial<Record<Operator, unknown>> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

/** Visits every `$key` of an expectation, however deep, with its path (ending in the key). */
function eachOperator(
  expected: unknown,
  path: (string | number)[],
  visit: (key: string, arg: unknown, path: (string | number)[]) => void,
): void {
  if (Array.isArray(expected))
    expected.forEach((item, i) => {
      eachOperator(item, [...path, i], visit);
    });
  else if (isPlainObject(expected)) {
    for (const [key, value] of Object.entries(expected)) {
      if (key.startsWith('$')) visit(key, value, [...path, key]);
      eachOperator(value, [...path, key], visit);
    }
  }
}

/** Paths and names of `$keys` that are not operators, for the scenario's static check. */
export function unknownOperators(expected: unknown, path: (string | number)[] = []): (string | number)[][] {
  const found: (string | number)[][] = [];
  eachOperator(expected, path, (key, _, at) => {
    if (!OPERATOR_SET.has(key)) found.push(at);
  });
  return found;
}

/** `$regex` patterns that RE2 cannot run (or that are not text), for the static check. */
export function unrunnablePatterns(
  expected: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; message: string }[] {
  const found: { path: (string | number)[]; message: string }[] = [];
  eachOperator(expected, path, (key, arg, at) => {
    if (key !== '$regex') return;
    if (typeof arg !== 'string') {
      found.push({ path: at, message: '$regex takes a pattern as a string' });
      return;
    }
    try {
      compilePattern(arg);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      found.push({ path: at, message: `$regex cannot run this pattern: ${error.message}` });
    }
  });
  return found;
}

export function match(expected: unknown, actual: unknown, path = ''): Mismatch[] {
  if (isOperatorObject(expected)) return matchOperators(expected, actual, path);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [typeMismatch(path, expected, actual, 'an array')];
    return matchSubsequence(expected, actual, path);
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return [typeMismatch(path, expected, actual, 'an object')];
    const mismatches: Mismatch[] = [];
    for (const [key, value] of Object.entries(expected)) {
      mismatches.push(...match(value, actual[key], join(path, key)));
    }
    return mismatches;
  }
  if (Object.is(expected, actual) || (expected === 0 && actual === 0)) return [];
  const hint =
    actual !== undefined && expected !== null && actual !== null && typeof expected !== typeof actual
      ? ` (${typeof expected} vs ${typeof actual})`
      : '';
  return [
    {
      path,
      expected,
      actual,
      message:
        actual === undefined
          ? `expected ${show(expected)}, but the field is absent`
          : `expected ${show(expected)}, got ${show(actual)}${hint}`,
    },
  ];
}

function matchOperators(ops: Partial<Record<Operator, unknown>>, actual: unknown, path: string): Mismatch[] {
  const out: Mismatch[] = [];
  const fail = (message: string, expected?: unknown) => out.push({ path, message, expected, actual });
  for (const [op, arg] of Object.entries(ops) as [Operator, unknown][]) {
    switch (op) {
      case '$absent':
        if ((actual === undefined) !== (arg !== false))
          fail(arg === false ? 'expected the field' : `expected no field, got ${show(actual)}`);
        break;
      case '$exists':
        if ((actual !== undefined) !== (arg !== false))
          fail(
            arg === false ? `expected no field, got ${show(actual)}` : 'expected the field, but it is absent',
          );
        break;
      case '$regex':
        out.push(...matchRegex(String(arg), actual, path));
        break;
      case '$includes':
        if (typeof actual !== 'string' || !actual.includes(String(arg)))
          fail(`expected to include ${show(arg)}, got ${show(actual)}`, arg);
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if (typeof actual !== 'number' || !compare(op, actual, Number(arg)))
          fail(`expected ${op.slice(1)} ${show(arg)}, got ${show(actual)}`, arg);
        break;
      case '$length': {
        const length = Array.isArray(actual) || typeof actual === 'string' ? actual.length : undefined;
        if (length === undefined) fail(`expected a length, got ${show(actual)}`);
        else
          for (const m of match(arg, length, join(path, 'length'))) {
            out.push({
              ...m,
              message: `${m.message}${Array.isArray(actual) ? `: ${summarise(actual)}` : ''}`,
            });
          }
        break;
      }
      case '$first':
      case '$last': {
        if (!Array.isArray(actual) || actual.length === 0) {
          fail(`expected a non-empty array, got ${show(actual)}`);
          break;
        }
        const index = op === '$first' ? 0 : actual.length - 1;
        out.push(...match(arg, actual[index], `${path}[${index}]`));
        break;
      }
      case '$exact':
        out.push(...matchExact(arg, actual, path));
        break;
      case '$unordered':
        out.push(...matchUnordered(arg, actual, path));
        break;
      case '$oneOf': {
        const options = Array.isArray(arg) ? arg : [arg];
        if (!options.some((option) => match(option, actual, path).length === 0))
          fail(`expected one of ${show(options)}, got ${show(actual)}`, options);
        break;
      }
      case '$not':
        if (match(arg, actual, path).length === 0)
          fail(`expected not ${show(arg)}, got ${show(actual)}`, arg);
        break;
      default:
        fail(`unknown operator ${op as string}`);
    }
  }
  return out;
}

/** A pattern checked when the scenario was parsed can still fail once `{alias}` is filled in. */
function matchRegex(pattern: string, actual: unknown, path: string): Mismatch[] {
  try {
    if (typeof actual === 'string' && matchesPattern(pattern, actual)) return [];
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    return [{ path, expected: pattern, actual, message: `cannot run /${pattern}/: ${error.message}` }];
  }
  return [
    { path, expected: pattern, actual, message: `expected to match /${pattern}/, got ${show(actual)}` },
  ];
}

function compare(op: '$gt' | '$gte' | '$lt' | '$lte', a: number, b: number): boolean {
  return op === '$gt' ? a > b : op === '$gte' ? a >= b : op === '$lt' ? a < b : a <= b;
}

function matchExact(expected: unknown, actual: unknown, path: string): Mismatch[] {
  if (!Array.isArray(expected)) return [{ path, message: '$exact takes an array' }];
  if (!Array.isArray(actual)) return [typeMismatch(path, expected, actual, 'an array')];
  const out: Mismatch[] = [];
  if (expected.length !== actual.length)
    out.push({
      path,
      expected: expected.length,
      actual: actual.length,
      message: `expected exactly ${expected.length} element(s), got ${actual.length}: ${summarise(actual)}`,
    });
  expected.forEach((item, i) => {
    if (i < actual.length) out.push(...match(item, actual[i], `${path}[${i}]`));
  });
  return out;
}

function matchUnordered(expected: unknown, actual: unknown, path: string): Mismatch[] {
  if (!Array.isArray(expected)) return [{ path, message: '$unordered takes an array' }];
  if (!Array.isArray(actual)) return [typeMismatch(path, expected, actual, 'an array')];
  if (expected.length !== actual.length)
    return [
      {
        path,
        expected: expected.length,
        actual: actual.length,
        message: `expected ${expected.length} element(s) in any order, got ${actual.length}: ${summarise(actual)}`,
      },
    ];
  // Bipartite matching by augmenting paths: arrays in scenarios are small.
  const fits = expected.map((item) => actual.map((candidate) => match(item, candidate).length === 0));
  const owner: (number | undefined)[] = new Array(actual.length).fill(undefined);
  const assign = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < actual.length; j++) {
      if (!fits[i]![j] || seen[j]) continue;
      seen[j] = true;
      if (owner[j] === undefined || assign(owner[j]!, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  const out: Mismatch[] = [];
  expected.forEach((item, i) => {
    if (!assign(i, new Array(actual.length).fill(false)))
      out.push(...unmatched(item, actual, 0, `${path}[${i}]`, 'in any order'));
  });
  return out;
}

function matchSubsequence(expected: unknown[], actual: unknown[], path: string): Mismatch[] {
  let next = 0;
  for (let i = 0; i < expected.length; i++) {
    const item = expected[i];
    let found = -1;
    for (let k = next; k < actual.length; k++) {
      if (match(item, actual[k]).length === 0) {
        found = k;
        break;
      }
    }
    if (found === -1) {
      const after = next === 0 ? '' : ` after ${path || 'the answer'}[${next - 1}]`;
      return unmatched(item, actual, next, `${path}[${i}]`, `in order${after}`);
    }
    next = found + 1;
  }
  return [];
}

/** No element matched: say so, and show the differences of the closest candidate. */
function unmatched(item: unknown, actual: unknown[], from: number, path: string, how: string): Mismatch[] {
  // Closest: fewest differences, a field present but different counting less than one absent
  // (so `{type: ringing, extension: '8002'}` is compared with the ringing event), earlier wins ties.
  let best: { index: number; diff: Mismatch[]; score: number } | null = null;
  for (let k = 0; k < actual.length; k++) {
    const diff = match(item, actual[k], '');
    const score = diff.reduce((sum, m) => sum + (m.actual === undefined ? 1 : 0.6), 0) + (k < from ? 0.5 : 0);
    if (best === null || score < best.score) best = { index: k, diff, score };
  }
  const head: Mismatch = {
    path,
    expected: item,
    message: `no element matching ${show(item)} ${how} among ${actual.length}: ${summarise(actual)}`,
  };
  if (best === null) return [head];
  const where = best.index < from ? ' (it comes too early)' : '';
  return [
    head,
    ...best.diff.map((m) => ({
      ...m,
      path: `${path} ~ closest [${best.index}]${m.path === '' ? '' : `.${m.path}`}`,
      message: `${m.message}${where}`,
    })),
  ];
}

function typeMismatch(path: string, expected: unknown, actual: unknown, what: string): Mismatch {
  return {
    path,
    expected,
    actual,
    message: `expected ${what}, got ${actual === undefined ? 'nothing' : show(actual)}`,
  };
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/** A compact, bounded rendering of a value. */
export function show(value: unknown, max = 160): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `[routed, ringing, answered]` for event-like arrays, else a short rendering. */
function summarise(values: unknown[]): string {
  if (values.every((v) => isPlainObject(v) && typeof v.type === 'string'))
    return `[${values.map((v) => (v as { type: string }).type).join(', ')}]`;
  return show(values, 200);
}
