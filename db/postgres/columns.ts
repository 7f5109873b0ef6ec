import { customType } from 'drizzle-orm/pg-core';

/**
 * Text that compares and sorts byte by byte, as SQLite's BINARY collation does: cursors
 * (`id > ?`), ORDER BY and prefix searches (`LIKE 'zh%'`, which only a "C" index serves) then
 * give the same answers on both backends, whatever locale the database was created with.
 */
export const text = customType<{ data: string; driverData: string }>({
  dataType: () => 'text COLLATE "C"',
});

/**
 * A JSON document kept as text, as the SQLite schema keeps it (`text(…, { mode: 'json' })`):
 * the same value goes in and comes out, so repositories of both dialects share their logic.
 * Narrow it with `.$type<…>()` as the SQLite schema does.
 */
export const jsonText = customType<{ data: unknown; driverData: string }>({
  dataType: () => 'text COLLATE "C"',
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (value) => JSON.parse(value),
});
