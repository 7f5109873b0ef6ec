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
  return fastJson(jsonSchema as Parameters<typeof fastJson>[0]) as (data: unknown) => string;
}
