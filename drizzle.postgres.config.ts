import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new migration for each dialect after a change to its schema
// (db/sqlite/schema.ts, db/postgres/schema.ts); the service applies the committed migrations
// at start (db/postgres/index.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/postgres/schema.ts',
  out: './db/postgres/migrations',
});
