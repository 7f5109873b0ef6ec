import fc from 'fast-check';

/**
 * A small JSON Schema → fast-check converter covering what the served OpenAPI document uses:
 * type (and type lists), properties/required/additionalProperties/propertyNames, enum, const,
 * anyOf/oneOf, items/minItems/maxItems, minimum/maximum, minLength/maxLength, pattern (through
 * `fc.stringMatching` where fast-check can run it), format date/date-time and `$ref` into the
 * document's components. It aims at values the service accepts, so that requests get past
 * validation into the handlers; the hostile side lives in hostile.ts.
 */

export type JsonSchema = Record<string, unknown>;
export type Hints = Record<string, fc.Arbitrary<unknown>>;

export interface ConvertOptions {
  /** Resolves `#/components/schemas/X`. */
  components: Record<string, JsonSchema>;
  /**
   * Realistic values by property name (fixture ids, phone numbers): a schema says only
   * "string, at most 32" for a phone number, which random strings never satisfy.
   */
  hints: Hints;
  /** How many `$ref`s deep a value may go (the switchboard menu refers to itself). */
  maxRefDepth?: number;
}

/** `undefined` when no finite value fits, e.g. a recursive branch past the depth limit. */
type MaybeArb = fc.Arbitrary<unknown> | undefined;

const asSchema = (value: unknown): JsonSchema | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : undefined;

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** Strings and names as partners write them: Chinese, Latin, digits; short, so runs stay fast. */
const TEXT_CHARS = fc.constantFrom(...'王明张兰信息中心销售部 abcXYZ0123456789-_.');

/**
 * A string of `chars`. Not `fc.string({ unit })`: with a custom unit fast-check tokenises its
 * bias slices on every draw, which cost the suite about a millisecond a request.
 */
export const stringOf = (chars: fc.Arbitrary<string>, minLength: number, maxLength: number) =>
  fc.array(chars, { minLength, maxLength }).map((units) => units.join(''));

/** Mostly around now; sometimes at the edges of what the format allows. */
const ISO_INSTANT = fc.oneof(
  {
    arbitrary: fc
      .tuple(
        fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2031, 0, 1) }),
        fc.constantFrom('Z', '+08:00', '-05:00'),
      )
      .map(([ms, zone]) => isoWithZone(ms, zone)),
    weight: 9,
  },
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '1970-01-01T00:00:00+14:00',
    '9999-12-31T23:59:59.999-23:59',
    '2026-11-24T09:00:00.123456789+08:00',
    '2024-02-29T23:59:59+08:00',
  ),
);

function isoWithZone(ms: number, zone: string): string {
  const shift = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * Number(zone.slice(1, 3)) * 3_600_000;
  return new Date(ms + shift).toISOString().replace('Z', zone);
}

export const ISO_DATE = fc
  .integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2031, 0, 1) })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));

/** Building a `fc.stringMatching` costs tens of milliseconds; the document repeats its patterns. */
const byPattern = new Map<string, MaybeArb>();

export function patternArbitrary(pattern: string): MaybeArb {
  if (!byPattern.has(pattern)) {
    try {
      byPattern.set(pattern, fc.stringMatching(new RegExp(pattern)));
    } catch {
      // fast-check cannot generate lookaheads: the caller falls back to the schema's example.
      byPattern.set(pattern, undefined);
    }
  }
  return byPattern.get(pattern);
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<unknown> {
  const minLength = num(schema.minLength) ?? 0;
  const maxLength = Math.min(num(schema.maxLength) ?? 40, Math.max(minLength, 40));
  if (schema.format === 'date-time') return ISO_INSTANT;
  if (schema.format === 'date') return ISO_DATE;
  if (typeof schema.pattern === 'string') {
    const matching = patternArbitrary(schema.pattern);
    if (matching) return matching;
    if (typeof schema.example === 'string') return fc.constant(schema.example);
  }
  return stringOf(TEXT_CHARS, minLength, maxLength);
}

function integerArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<unknown> {
  const min = Math.max(num(schema.minimum) ?? Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER);
  const max = Math.min(num(schema.maximum) ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  // Small values find the interesting paths (counts, minutes, retries); the full range its edges.
  const small = fc.integer({ min: Math.max(min, -5), max: Math.max(Math.min(max, 120), Math.max(min, -5)) });
  const whole = fc.oneof(small, fc.integer({ min, max }), fc.constantFrom(min, max));
  if (integer) return whole;
  return fc.oneof(whole, fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
}

/** `name`: the property or parameter the value is for, which picks its hint. */
export function schemaArbitrary(
  root: JsonSchema,
  options: ConvertOptions,
  name?: string,
): fc.Arbitrary<unknown> {
  const maxRefDepth = options.maxRefDepth ?? 2;

  function convert(schema: JsonSchema, refDepth: number, name: string | undefined): MaybeArb {
    if (typeof schema.$ref === 'string') {
      if (refDepth >= maxRefDepth) return undefined;
      const target = options.components[schema.$ref.split('/').pop() ?? ''];
      return target ? convert(target, refDepth + 1, name) : fc.constant(null);
    }
    if ('const' in schema) return fc.constant(schema.const);
    if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
    const branches = (schema.anyOf ?? schema.oneOf) as unknown;
    if (Array.isArray(branches)) {
      const arbitraries = branches
        .map((branch) => asSchema(branch))
        .filter((branch): branch is JsonSchema => branch !== undefined)
        .map((branch) => convert(branch, refDepth, name))
        .filter((arb): arb is fc.Arbitrary<unknown> => arb !== undefined);
      return arbitraries.length > 0 ? fc.oneof(...arbitraries) : undefined;
    }
    if (Array.isArray(schema.type)) {
      return fc.oneof(
        ...schema.type.map((type) => convert({ ...schema, type }, refDepth, name) ?? fc.constant(null)),
      );
    }
    // A formatted field keeps its format: `from` is a number in a route and a time in a CDR query.
    const hint = name === undefined || 'format' in schema ? undefined : options.hints[name];
    const own = ownArbitrary(schema, refDepth, name);
    if (hint === undefined || own === undefined) return own ?? hint;
    return fc.oneof({ arbitrary: hint, weight: 4 }, own);
  }

  function ownArbitrary(schema: JsonSchema, refDepth: number, name: string | undefined): MaybeArb {
    switch (schema.type) {
      case 'string':
        return stringArbitrary(schema);
      case 'integer':
      case 'number':
        return integerArbitrary(schema, schema.type === 'integer');
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return arrayArbitrary(schema, refDepth, name);
      case 'object':
        return objectArbitrary(schema, refDepth);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  function arrayArbitrary(schema: JsonSchema, refDepth: number, name: string | undefined): MaybeArb {
    // `memberIds`, `toneIds`, `groupIds`: items named like the singular take its hint.
    const itemName = name?.endsWith('s') ? name.slice(0, -1) : name;
    const items = convert(asSchema(schema.items) ?? {}, refDepth, itemName);
    const minLength = num(schema.minItems) ?? 0;
    if (items === undefined) return minLength === 0 ? fc.constant([]) : undefined;
    const maxLength = Math.min(num(schema.maxItems) ?? 4, Math.max(minLength, 4));
    return fc.array(items, { minLength, maxLength });
  }

  function objectArbitrary(schema: JsonSchema, refDepth: number): MaybeArb {
    const properties = asSchema(schema.properties) ?? {};
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [key, value] of Object.entries(properties)) {
      const arb = convert(asSchema(value) ?? {}, refDepth, key);
      if (arb === undefined) {
        if (required.has(key)) return undefined;
        continue;
      }
      record[key] = arb;
    }
    const fixed = fc.record(record, { requiredKeys: [...required].filter((key) => key in record) });
    const extra = asSchema(schema.additionalProperties);
    if (extra === undefined) return fixed;
    const values = convert(extra, refDepth, undefined);
    if (values === undefined) return fixed;
    const names = asSchema(schema.propertyNames);
    const keys = names ? stringArbitrary(names) : fc.string({ maxLength: 8 });
    return fc
      .tuple(fixed, fc.dictionary(keys as fc.Arbitrary<string>, values, { maxKeys: 3 }))
      .map(([own, more]) => ({ ...more, ...(own as object) }));
  }

  return convert(root, 0, name) ?? fc.constant({});
}
