import fc from 'fast-check';
import { ACCESS_NUMBER, PEOPLE, type Pools } from './fixture.js';
import { type Hints, ISO_DATE, type JsonSchema, patternArbitrary } from './schema-arbitrary.js';

/** The served OpenAPI document, read as the fuzz suite needs it. */

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  operationId: string;
  method: string;
  /** As the document writes it: `/v1/groups/{groupId}`. */
  path: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { operationId: string; parameters?: Parameter[]; requestBody?: unknown }>
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const body = (op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)
        ?.content?.['application/json']?.schema;
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body,
      });
    }
  }
  return operations;
}

/**
 * The pool a created resource's id belongs to: `POST /v1/groups/{groupId}/members` creates what
 * `/v1/groups/{groupId}/members/{memberId}` addresses, so its answer's `id` joins `memberId`.
 */
export function createdIdPool(op: Operation, all: Operation[]): string | undefined {
  if (op.method !== 'POST' && op.method !== 'PUT') return undefined;
  const prefix = `${op.path}/{`;
  const item = all.find(
    (other) =>
      other.path.startsWith(prefix) && other.path.indexOf('}', prefix.length) === other.path.length - 1,
  );
  return item?.path.slice(prefix.length, -1);
}

/** The fixture's values by name, and the ids that answers gave back during the run. */
export interface PoolSet {
  fixture: Pools;
  grown: Pools;
}

/**
 * Reads the pools as they stand when a value is drawn, so a new fixture round and harvested ids
 * take part: mostly the current fixture, so that the ids of one request belong together; a
 * DELETE mostly what the run created, so that the fixture lasts its round.
 */
export const fromPool = (pools: PoolSet, name: string, preferGrown = false) =>
  fc.tuple(fc.nat(3), fc.nat()).map(([which, i]) => {
    const grown = pools.grown.get(name) ?? [];
    const own = pools.fixture.get(name) ?? [];
    const useGrown = (preferGrown ? which !== 0 : which === 0) || own.length === 0;
    const pool = useGrown && grown.length > 0 ? grown : own;
    return pool[i % pool.length] ?? name;
  });

const digits = (length: number) => patternArbitrary(`^\\d{${length}}$`) as fc.Arbitrary<string>;
const freshMobile = digits(8).map((tail) => `139${tail}`);
const clockTime = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

/** Realistic values by field name, so bodies and queries get past the phone-number parsers. */
export function hintsFor(pools: PoolSet, preferGrown = false): Hints {
  const pool = (name: string) => fromPool(pools, name, preferGrown);
  const msisdn = fc.oneof(pool('msisdn'), freshMobile);
  const dialled = fc.oneof(
    fc.constantFrom(...PEOPLE.map((p) => p.shortCode), '8000', '110', ACCESS_NUMBER, '6999'),
    pool('pilotNumber').map((n) => n.replace('-', '')),
    pool('msisdn').map((n) => n.replace('+86', '')),
    freshMobile.map((n) => `9${n}`),
    digits(6),
  );
  const hints: Hints = {
    msisdn,
    hostMsisdn: msisdn,
    from: fc.oneof(msisdn, pool('pilotNumber')),
    to: dialled,
    callee: msisdn,
    caller: msisdn,
    pilotNumber: fc.oneof(
      digits(7).map((tail) => `0311-8${tail}`),
      pool('pilotNumber'),
    ),
    shortCode: fc.oneof(
      digits(4).map((d) => `7${d.slice(1)}`),
      fc.constantFrom('6001', '8000', '01', '110'),
    ),
    digits: fc.oneof(
      fc.constantFrom('0', '1', '2', '3', '8301', '*6', '*8', '*1', '*9', '#', '123456#'),
      digits(3),
    ),
    pin: digits(6),
    timezone: fc.constantFrom('Asia/Shanghai', 'UTC', 'America/New_York', 'Asia/Urumqi'),
    packageId: fc.constantFrom('conf-300', 'conf-1000', 'nope'),
    q: fc.constantFrom('王', 'zhang', 'zl', '信息中心', '8301', '0003', 'wang ming'),
    // Ringback schedules and calendars: the document's shared components carry no patterns.
    start: clockTime,
    end: clockTime,
    weekday: fc.integer({ min: 1, max: 7 }),
    holiday: ISO_DATE,
    workday: ISO_DATE,
    dateFrom: ISO_DATE,
    dateTo: ISO_DATE,
  };
  for (const name of pools.fixture.keys()) hints[name] ??= pool(name);
  return hints;
}
