import { z } from 'zod';
import { ScenarioSchema } from './schema.js';

/** Where the published JSON Schema lives, relative to the repository root. */
export const JSON_SCHEMA_PATH = 'scenarios/scenario.schema.json';

/** The scenario format as JSON Schema (draft 2020-12), for editors and partners' tooling. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ScenarioSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
}

/** The file's text: stable key order as generated, two-space indentation, a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
