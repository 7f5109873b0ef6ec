import fastJson from 'fast-json-stringify';
import { z } from 'zod';

/**
 * A response serializer for hot routes: fast-json-stringify compiled from the route's zod
 * response schema, instead of the type provider's zod parse + JSON.stringify. The schema still
 * decides what goes out (unknown fields are dropped); it is not re-validated on the way.
 */
export function fastSerializerCompiler({ schema }: { schema: unknown }) {
  const jsonSchema = z.toJSONSchema(schema as z.ZodType, {
    target: 'draft-7',
    io: 'output',
    unrepresentable: 'any',
  });
  return fastJson(nullableInsteadOfAnyOf(jsonSchema) as Parameters<typeof fastJson>[0]) as (
    data: unknown,
  ) => string;
}

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * zod writes `X.nullable()` as `anyOf: [X, {type: 'null'}]`, and fast-json-stringify serialises
 * an `anyOf` by validating the value against each branch with ajv, on every call: for a routing
 * decision (a nullable `target` and `ringback`) that cost more than the decision. A branch of
 * one plain type becomes that branch with fast-json-stringify's own `nullable` keyword, a null
 * check; anything else is left as it is.
 */
export function nullableInsteadOfAnyOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableInsteadOfAnyOf);
  if (!isNode(node)) return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) out[key] = nullableInsteadOfAnyOf(value);
  const branches = out.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return out;
  const nullAt = branches.findIndex((b) => isNode(b) && b.type === 'null' && Object.keys(b).length === 1);
  const other = branches[1 - nullAt];
  if (nullAt < 0 || !isNode(other) || typeof other.type !== 'string' || other.type === 'null') return out;
  if ('anyOf' in other || 'oneOf' in other || 'allOf' in other || '$ref' in other) return out;
  const { anyOf: _anyOf, ...rest } = out;
  return { ...rest, ...other, nullable: true };
}
