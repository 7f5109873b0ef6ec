import fc from 'fast-check';
import { stringOf } from './schema-arbitrary.js';

/**
 * Hostile inputs: strings, numbers and keys that break naive code, and whole bodies that break
 * naive parsers (deep nesting, huge arrays, bad JSON). Sizes stay within the 1 MiB body limit
 * except where the limit itself is under test.
 */

const LONG = 'x'.repeat(10_000);

export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  "'; DROP TABLE members; --",
  '%',
  '%s%s%n',
  '%00',
  '\u202e\u200f右到左',
  '\ud800',
  'a\udc00b',
  '\ufeff',
  '😀👨‍👩‍👧',
  '\r\n\t',
  '../../etc/passwd',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'NaN',
  '-0',
  '1e308',
  '9007199254740993',
  '0x10',
  'null',
  'true',
  '[]',
  '+86',
  '+8613800138000000000000000000000',
  '95100',
  '*#06#',
  '2026-02-30T25:61:00+08:00',
  '2026-11-24T09:00:00+99:99',
  '275760-09-13T00:00:00Z',
  '0000-01-01T00:00:00Z',
  'Asia/Nowhere',
  LONG,
  '王'.repeat(5_000),
];

export const HOSTILE_NUMBERS: readonly unknown[] = [
  0,
  -0,
  -1,
  1e308,
  -1e308,
  5e-324,
  2 ** 53 + 1,
  -(2 ** 53) - 1,
  2 ** 31,
  2 ** 32 + 1,
  0.5,
  'NaN',
  'Infinity',
  '1',
  true,
  null,
  [],
  {},
];

export const hostileString = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 4 },
  // Any code point, lone surrogates included (fc.string's 'binary' unit takes seconds to build).
  stringOf(
    fc.nat(0x10ffff).map((point) => String.fromCodePoint(point)),
    0,
    30,
  ),
  stringOf(fc.constantFrom('\u0000', '\ud800', '\udfff', '%', "'", '"', '\\', '/', '.', '\u202e'), 0, 20),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 3 },
  { arbitrary: fc.constantFrom(...HOSTILE_NUMBERS), weight: 2 },
  fc.jsonValue({ maxDepth: 3 }),
);

export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  'a.b',
  '$ref',
];

/** Bodies that are not JSON, or JSON that parsers choke on. */
export const BAD_JSON: readonly string[] = [
  '',
  ' ',
  '{',
  '}',
  '{"a":1,}',
  '{"a":1}garbage',
  "{'a':1}",
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":undefined}',
  '\ufeff{}',
  '[]',
  'null',
  '0',
  '"string"',
  'true',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a":1,"a":2}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '\u0000',
  `{"a":"${'b'.repeat(1024 * 1024)}"}`,
];

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` levels: parsers and validators that recurse. */
export function deepNesting(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export const deepBody = fc
  .tuple(fc.constantFrom(100, 1_000, 10_000), fc.constantFrom('array' as const, 'object' as const))
  .map(([depth, kind]) => deepNesting(depth, kind));

const hugeArrays = new Map<string, string>();

/**
 * A JSON array of `count` copies of `item`, under the 1 MiB limit for the counts used. Kept once
 * made: building one takes tens of milliseconds, sending it again costs nothing.
 */
export function hugeArray(count: number, item: string): string {
  const key = `${count}:${item}`;
  let text = hugeArrays.get(key);
  if (text === undefined) {
    text = `[${new Array(count).fill(item).join(',')}]`;
    hugeArrays.set(key, text);
  }
  return text;
}

export const CONTENT_TYPES: readonly (string | null)[] = [
  null,
  '',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json;;;',
  'application/json; boundary=',
  'application/vnd.api+json',
  'application/problem+json',
  'application/octet-stream',
  'json',
  '*/*',
];

export const AUTHORIZATIONS = (adminKey: string): readonly (string | null)[] => [
  null,
  '',
  'Bearer',
  'Bearer ',
  'Bearer  ',
  `bearer ${adminKey}`,
  `BEARER ${adminKey}`,
  `Bearer  ${adminKey}`,
  `Bearer ${adminKey} `,
  `Bearer ${adminKey}x`,
  `Bearer ${adminKey.slice(0, -1)}`,
  `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`,
  `Bearer ${adminKey}, Bearer other`,
  `Token ${adminKey}`,
  adminKey,
  `Bearer ${'k'.repeat(10_000)}`,
  'Bearer \u00ff\u00fe',
  'Bearer %00',
];

export const IDEMPOTENCY_KEYS: readonly string[] = [
  '',
  ' ',
  'fuzz-1',
  'fuzz-1',
  'fuzz-2',
  'k'.repeat(10_000),
  '\u00ff\u00e9',
  '%00',
  '../..',
  'null',
];

export const HOSTILE_PATH_SEGMENTS: readonly string[] = [
  'x'.repeat(10_000),
  '%2F',
  'a%2Fb',
  '..',
  '%2e%2e',
  '.',
  '%00',
  '%E7%8E%8B',
  '%F0%9F%98%80',
  '%ZZ',
  '%E0%A4%A',
  '%ED%A0%80',
  '%20',
  '+',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '0',
  '-1',
  '1e308',
  '%25',
  "'",
  '%27%20OR%201%3D1',
];

export const HOSTILE_QUERY_VALUES: readonly string[] = [
  '',
  '0',
  '-1',
  '0x10',
  '1e3',
  '1.5',
  ' 1',
  '501',
  '9007199254740993',
  'NaN',
  'Infinity',
  '-0',
  'true',
  '%00',
  '%ZZ',
  '%E0%A4%A',
  '%2e%2e%2f',
  encodeURIComponent('\u202e'),
  encodeURIComponent("' OR 1=1 --"),
  'x'.repeat(10_000),
  '%F0%9F%98%80',
  'a[]=1',
];
