/**
 * npm run scenario:schema — regenerates scenarios/scenario.schema.json from the zod schema of the
 * scenario format (src/sim/scenario/schema.ts). A test fails while the committed file is stale.
 */
import { writeFile } from 'node:fs/promises';
import { JSON_SCHEMA_PATH, scenarioJsonSchemaText } from '../src/sim/scenario/json-schema.js';

await writeFile(JSON_SCHEMA_PATH, scenarioJsonSchemaText(), 'utf8');
process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);
