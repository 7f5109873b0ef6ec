import fc from 'fast-check';
import {
  AUTHORIZATIONS,
  BAD_JSON,
  CONTENT_TYPES,
  deepBody,
  HOSTILE_KEYS,
  HOSTILE_PATH_SEGMENTS,
  HOSTILE_QUERY_VALUES,
  hostileString,
  hostileValue,
  hugeArray,
  IDEMPOTENCY_KEYS,
} from './hostile.js';

/**
 * A request before it is rendered, and the ways to spoil it. Each mutation is a label (printed
 * with a failure) and a pure function of the draft.
 */

export interface Draft {
  /** Path parameter values; `raw` ones go into the URL unencoded. */
  path: Record<string, { value: string; raw?: boolean }>;
  /** Already-encoded `name=value` pairs. */
  query: string[];
  body: unknown;
  /** Sent as is instead of `JSON.stringify(body)`. */
  rawBody?: string;
  /** `null`: no content-type header at all. */
  contentType?: string | null;
  headers: Record<string, string>;
}

export interface Mutation {
  label: string;
  apply(draft: Draft): Draft;
}

type JsonPath = Array<string | number>;
const HOLE = '@@HOLE@@';

/** Every container path in a JSON value, breadth first, a few levels deep. */
function containerPaths(value: unknown, maxDepth = 5): JsonPath[] {
  const paths: JsonPath[] = [];
  const queue: Array<[unknown, JsonPath]> = [[value, []]];
  while (queue.length > 0) {
    const [node, path] = queue.shift()!;
    if (node === null || typeof node !== 'object') continue;
    paths.push(path);
    if (path.length >= maxDepth) continue;
    for (const [key, child] of Object.entries(node))
      queue.push([child, [...path, Array.isArray(node) ? Number(key) : key]]);
  }
  return paths;
}

function setAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = replacement;
  return copy;
}

function getAt(value: unknown, path: JsonPath): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
}

/** Serialises `body` with the value at `path` replaced by raw JSON text. */
function withRawAt(body: unknown, path: JsonPath, rawJson: string): string {
  return JSON.stringify(setAt(body, path, HOLE)).replace(JSON.stringify(HOLE), () => rawJson);
}

const pick = <T>(items: readonly T[], index: number): T => items[index % items.length]!;

/** Keys of the containers in the body: where a field mutation lands. */
function fieldSlots(body: unknown): Array<{ container: JsonPath; key: string | number | undefined }> {
  const containers = containerPaths(body);
  if (containers.length === 0) return [{ container: [], key: undefined }];
  return containers.flatMap((container) => {
    const node = getAt(body, container) as object;
    const keys = Object.keys(node);
    const own = keys.map((key) => ({ container, key: Array.isArray(node) ? Number(key) : key }));
    return [{ container, key: undefined }, ...own];
  });
}

/**
 * Self-similar nesting: where the body holds a value under the same key as one of its ancestors
 * (a switchboard menu's `submenu.menu`), repeat that step until the body is `depth` deep.
 */
function recursiveNesting(body: unknown, depth: number): string | undefined {
  const paths = containerPaths(body, 8);
  for (const inner of paths) {
    const outer = paths.find(
      (p) =>
        p.length > 0 &&
        p.length < inner.length &&
        p.at(-1) === inner.at(-1) &&
        p.every((k, i) => inner[i] === k),
    );
    if (outer === undefined) continue;
    const step = JSON.stringify(setAt(getAt(body, outer), inner.slice(outer.length), HOLE));
    const [prefix, suffix] = step.split(JSON.stringify(HOLE)) as [string, string];
    const times = Math.min(depth, Math.floor(900_000 / (prefix.length + suffix.length)));
    const nested = `${prefix.repeat(times)}${JSON.stringify(getAt(body, inner))}${suffix.repeat(times)}`;
    return withRawAt(body, outer, nested);
  }
  return undefined;
}

const BODY_MUTATIONS = [
  'remove field',
  'hostile field',
  'hostile key',
  'deep field',
  'recursive nesting',
  'retyped body',
];

export const bodyMutation: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.nat(),
    fc.nat(BODY_MUTATIONS.length - 1),
    hostileValue,
    fc.constantFrom(...HOSTILE_KEYS),
    deepBody,
  )
  .map(([slot, how, value, hostileKey, deep]) => ({
    label: BODY_MUTATIONS[how]!,
    apply(draft: Draft): Draft {
      const body = draft.body ?? {};
      const { container, key } = pick(fieldSlots(body), slot);
      const target = key === undefined ? container : [...container, key];
      switch (how) {
        case 0:
          if (key === undefined || typeof key === 'number')
            return { ...draft, body: setAt(body, target, undefined) };
          return { ...draft, body: setAt(body, container, omit(getAt(body, container), key)) };
        case 1:
          return { ...draft, body: setAt(body, target, value) };
        case 2:
          return {
            ...draft,
            rawBody: withRawAt(
              body,
              container,
              injectKey(getAt(body, container), hostileKey, JSON.stringify(value)),
            ),
          };
        case 3:
          return { ...draft, rawBody: withRawAt(body, target, deep) };
        case 4:
          return { ...draft, rawBody: recursiveNesting(body, 10_000) ?? deep };
        default:
          return { ...draft, body: value };
      }
    },
  }));

/** Bodies near the 1 MiB limit: each costs the server tens of milliseconds, so they come rarely. */
export const hugeMutation: fc.Arbitrary<Mutation> = fc
  .tuple(fc.nat(), fc.nat(2), fc.constantFrom('1', '{}', '"王"', 'null'))
  .map(([slot, how, item]) => ({
    label: ['huge string field', 'huge array field', 'huge array body'][how]!,
    apply(draft: Draft): Draft {
      const body = draft.body ?? {};
      const { container, key } = pick(fieldSlots(body), slot);
      const target = key === undefined ? container : [...container, key];
      if (how === 0) return { ...draft, body: setAt(body, target, 'x'.repeat(200_000 + (slot % 700_000))) };
      if (how === 1)
        return {
          ...draft,
          rawBody: withRawAt(body, target, hugeArray([10_000, 100_000, 450_000][slot % 3]!, '1')),
        };
      return { ...draft, rawBody: hugeArray(Math.floor(900_000 / (item.length + 1)), item) };
    },
  }));

function omit(node: unknown, key: string): unknown {
  const { [key]: _, ...rest } = node as Record<string, unknown>;
  return rest;
}

/** An object's JSON with one more key: written as text, since `__proto__` cannot be set as a key. */
function injectKey(node: unknown, key: string, valueJson: string): string {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return valueJson;
  const own = JSON.stringify(node);
  const entry = `${JSON.stringify(key)}:${valueJson}`;
  return own === '{}' ? `{${entry}}` : `{${entry},${own.slice(1)}`;
}

export const rawBodyMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc
    .constantFrom(...BAD_JSON)
    .map((raw) => ({ label: 'bad JSON', apply: (d: Draft) => ({ ...d, rawBody: raw }) })),
  deepBody.map((raw) => ({ label: 'deep body', apply: (d: Draft) => ({ ...d, rawBody: raw }) })),
);

export const contentTypeMutation: fc.Arbitrary<Mutation> = fc.constantFrom(...CONTENT_TYPES).map((type) => ({
  label: `content-type ${JSON.stringify(type)}`,
  apply: (d: Draft) => ({
    ...d,
    contentType: type,
    rawBody: d.rawBody ?? JSON.stringify(d.body ?? { a: 1 }),
  }),
}));

export const queryMutation = (names: string[]): fc.Arbitrary<Mutation> =>
  fc
    .tuple(
      fc.constantFrom(...names, 'limit', 'cursor', 'unknown'),
      fc.constantFrom(...HOSTILE_QUERY_VALUES),
      fc.nat(3),
    )
    .map(([name, value, how]) => ({
      label: ['hostile query value', 'repeated query parameter', 'bare query parameter', 'bracketed query'][
        how
      ]!,
      apply: (d: Draft) => {
        const rest = d.query.filter((pair) => !pair.startsWith(`${name}=`));
        const extra = [
          [`${name}=${value}`],
          [`${name}=1`, `${name}=2`],
          [name],
          [`${name}[]=1`, `${name}[a]=2`],
        ][how]!;
        return { ...d, query: [...rest, ...extra] };
      },
    }));

export const pathMutation = (names: string[]): fc.Arbitrary<Mutation> =>
  fc
    .tuple(fc.constantFrom(...names), fc.oneof(fc.constantFrom(...HOSTILE_PATH_SEGMENTS), hostileString))
    .map(([name, value]) => ({
      label: 'hostile path parameter',
      apply: (d: Draft) => {
        // Pre-encoded segments (`%2F`, `%ZZ`) go in raw; any other string is encoded.
        const raw = /^[\w.%+'-]*$/.test(value) && value.length > 0;
        return { ...d, path: { ...d.path, [name]: { value, raw } } };
      },
    }));

export const headerMutation = (adminKey: string): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.constantFrom(...AUTHORIZATIONS(adminKey)).map((auth) => ({
      label: `authorization ${JSON.stringify(auth?.slice(0, 40) ?? null)}`,
      apply: (d: Draft) => ({ ...d, headers: withHeader(d.headers, 'authorization', auth) }),
    })),
    fc.constantFrom(...IDEMPOTENCY_KEYS).map((key) => ({
      label: `idempotency-key ${JSON.stringify(key.slice(0, 40))}`,
      apply: (d: Draft) => ({ ...d, headers: { ...d.headers, 'idempotency-key': key } }),
    })),
    fc
      .constantFrom<[string, string]>(
        ['accept', 'text/csv'],
        ['accept', 'application/xml'],
        ['accept', 'text/event-stream'],
        ['accept-encoding', 'gzip, br'],
        ['content-length', '5'],
        ['content-length', '-1'],
        ['content-encoding', 'gzip'],
        ['transfer-encoding', 'chunked'],
        ['x-request-id', 'x'.repeat(5_000)],
        ['x-forwarded-for', '127.0.0.1, ::1'],
        ['last-event-id', '%00'],
      )
      .map(([name, value]) => ({
        label: `header ${name}`,
        apply: (d: Draft) => ({ ...d, headers: { ...d.headers, [name]: value } }),
      })),
  );

function withHeader(headers: Record<string, string>, name: string, value: string | null) {
  const { [name]: _, ...rest } = headers;
  return value === null ? rest : { ...rest, [name]: value };
}
