import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate` writes a new migration after a change to db/schema.ts;
// the service applies committed migrations at start (db/index.ts).
export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './db/migrations',
});
