import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_PATH, scenarioJsonSchema } from '../../src/sim/scenario/json-schema.js';

describe('scenarios/scenario.schema.json', () => {
  it('is up to date with the zod schema (npm run scenario:schema regenerates it)', () => {
    const committed = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../..', JSON_SCHEMA_PATH), 'utf8'),
    );
    expect(committed, 'stale: run `npm run scenario:schema`').toEqual(scenarioJsonSchema());
  });

  it('describes a step as exactly one kind, and the menu recursively', () => {
    const schema = scenarioJsonSchema() as {
      $defs: Record<string, { oneOf?: unknown[]; properties?: object }>;
    };
    expect(schema.$defs.ScenarioStep?.oneOf).toHaveLength(12);
    expect(JSON.stringify(schema.$defs.ScenarioMenu)).toContain('"$ref":"#/$defs/ScenarioMenu"');
  });
});
