import type Database from 'better-sqlite3';
import type pg from 'pg';

/**
 * What a database's tables look like, read from the database itself (not from the drizzle
 * schema that made it), in terms that mean the same on SQLite and PostgreSQL.
 */
export type SchemaShape = Record<string, TableShape>;

export interface TableShape {
  columns: Record<string, ColumnShape>;
  /** The primary key's columns, in key order. */
  primaryKey: string[];
  /** Every other index (unique constraints included), by name. */
  indexes: Record<string, IndexShape>;
  /** `columns -> table(columns) on delete …, on update …`, sorted. */
  foreignKeys: string[];
  checks: number;
}

export interface ColumnShape {
  type: TypeFamily;
  nullable: boolean;
  /** The default as written, without PostgreSQL's `::type` cast; null: none. */
  default: string | null;
}

export interface IndexShape {
  columns: string[];
  unique: boolean;
  /** A partial index (`… WHERE …`). */
  partial: boolean;
}

/** Storage classes shared by both dialects: a 32- or 64-bit integer is an integer. */
export type TypeFamily = 'text' | 'integer' | 'boolean' | 'real' | 'blob' | 'json' | `other: ${string}`;

/**
 * The shape of a SQLite database. SQLite stores a boolean as an integer, so the columns the
 * drizzle schema reads as booleans (`table.column`) are named by the caller.
 */
export function sqliteShape(client: Database.Database, booleanColumns: ReadonlySet<string>): SchemaShape {
  const tables = client
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'table'
       AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '__drizzle_migrations' ORDER BY name`,
    )
    .all() as { name: string; sql: string }[];
  const shape: SchemaShape = {};
  for (const { name: table, sql } of tables) {
    const info = client.pragma(`table_info(${quote(table)})`) as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }[];
    const columns: Record<string, ColumnShape> = {};
    for (const column of info) {
      columns[column.name] = {
        type: booleanColumns.has(`${table}.${column.name}`) ? 'boolean' : sqliteFamily(column.type),
        nullable: column.notnull === 0,
        default: column.dflt_value,
      };
    }
    const primaryKey = info
      .filter((column) => column.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((column) => column.name);
    const indexes: Record<string, IndexShape> = {};
    const indexList = client.pragma(`index_list(${quote(table)})`) as {
      name: string;
      unique: number;
      origin: 'c' | 'u' | 'pk';
      partial: number;
    }[];
    for (const index of indexList) {
      if (index.origin === 'pk') continue;
      const indexColumns = (
        client.pragma(`index_info(${quote(index.name)})`) as { seqno: number; name: string }[]
      )
        .sort((a, b) => a.seqno - b.seqno)
        .map((column) => column.name);
      // A UNIQUE clause in the table gets a generated name on either side: named by its columns.
      const name = index.origin === 'u' ? `unique(${indexColumns.join(',')})` : index.name;
      indexes[name] = { columns: indexColumns, unique: index.unique === 1, partial: index.partial === 1 };
    }
    const keys = client.pragma(`foreign_key_list(${quote(table)})`) as {
      id: number;
      seq: number;
      table: string;
      from: string;
      to: string;
      on_update: string;
      on_delete: string;
    }[];
    const byId = new Map<number, typeof keys>();
    for (const key of keys) byId.set(key.id, [...(byId.get(key.id) ?? []), key]);
    const foreignKeys = [...byId.values()].map((parts) => {
      const ordered = parts.sort((a, b) => a.seq - b.seq);
      const first = ordered[0]!;
      return foreignKey(
        ordered.map((part) => part.from),
        first.table,
        ordered.map((part) => part.to),
        first.on_delete,
        first.on_update,
      );
    });
    shape[table] = {
      columns,
      primaryKey,
      indexes,
      foreignKeys: foreignKeys.sort(),
      checks: (sql.match(/\bCHECK\s*\(/gi) ?? []).length,
    };
  }
  return shape;
}

/** The shape of the `public` schema of a PostgreSQL database. */
export async function postgresShape(client: pg.Pool | pg.Client): Promise<SchemaShape> {
  const shape: SchemaShape = {};
  const tables = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  for (const { table_name } of tables.rows) {
    shape[table_name] = { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [], checks: 0 };
  }
  const columns = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: 'YES' | 'NO';
    column_default: string | null;
  }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default
     FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  for (const column of columns.rows) {
    const table = shape[column.table_name];
    if (table === undefined) continue; // a view
    table.columns[column.column_name] = {
      type: postgresFamily(column.data_type),
      nullable: column.is_nullable === 'YES',
      default: column.column_default?.replace(/::[a-z ]+$/, '') ?? null,
    };
  }
  const indexes = await client.query<{
    table_name: string;
    index_name: string;
    columns: string[];
    is_unique: boolean;
    is_primary: boolean;
    is_partial: boolean;
    constraint_type: string | null;
  }>(
    `SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS is_unique,
       ix.indisprimary AS is_primary, ix.indpred IS NOT NULL AS is_partial,
       con.contype::text AS constraint_type,
       array(SELECT a.attname::text FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n) AS columns
     FROM pg_index ix
     JOIN pg_class i ON i.oid = ix.indexrelid
     JOIN pg_class t ON t.oid = ix.indrelid
     JOIN pg_namespace ns ON ns.oid = t.relnamespace
     LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.contype IN ('p', 'u')
     WHERE ns.nspname = 'public'`,
  );
  for (const index of indexes.rows) {
    const table = shape[index.table_name];
    if (table === undefined) continue;
    if (index.is_primary) {
      table.primaryKey = index.columns;
      continue;
    }
    const name = index.constraint_type === 'u' ? `unique(${index.columns.join(',')})` : index.index_name;
    table.indexes[name] = { columns: index.columns, unique: index.is_unique, partial: index.is_partial };
  }
  const constraints = await client.query<{
    table_name: string;
    contype: string;
    columns: string[];
    foreign_table: string | null;
    foreign_columns: string[] | null;
    on_delete: string;
    on_update: string;
  }>(
    `SELECT t.relname AS table_name, con.contype::text AS contype, ft.relname AS foreign_table,
       array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, n)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
       array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, n)
             JOIN pg_attribute a ON a.attrelid = ft.oid AND a.attnum = k.attnum ORDER BY k.n) AS foreign_columns,
       con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
     FROM pg_constraint con
     JOIN pg_class t ON t.oid = con.conrelid
     JOIN pg_namespace ns ON ns.oid = t.relnamespace
     LEFT JOIN pg_class ft ON ft.oid = con.confrelid
     WHERE ns.nspname = 'public' AND con.contype IN ('f', 'c')`,
  );
  for (const constraint of constraints.rows) {
    const table = shape[constraint.table_name];
    if (table === undefined) continue;
    if (constraint.contype === 'c') {
      table.checks += 1;
      continue;
    }
    table.foreignKeys.push(
      foreignKey(
        constraint.columns,
        constraint.foreign_table ?? '?',
        constraint.foreign_columns ?? [],
        POSTGRES_ACTIONS[constraint.on_delete] ?? constraint.on_delete,
        POSTGRES_ACTIONS[constraint.on_update] ?? constraint.on_update,
      ),
    );
  }
  for (const table of Object.values(shape)) table.foreignKeys.sort();
  return shape;
}

/**
 * Where `actual` differs from `expected`, one line each (`members.title: missing in postgres`);
 * empty when they have the same tables, columns, keys, indexes and checks.
 */
export function schemaDifferences(
  expected: SchemaShape,
  actual: SchemaShape,
  names: { expected: string; actual: string },
): string[] {
  const differences: string[] = [];
  const onlyIn = (where: string) => `only in ${where}`;
  for (const [label, a, b] of keyPairs(expected, actual)) {
    if (a === undefined) differences.push(`${label}: ${onlyIn(names.actual)}`);
    else if (b === undefined) differences.push(`${label}: ${onlyIn(names.expected)}`);
    else differences.push(...tableDifferences(label, a, b, names));
  }
  return differences;
}

function tableDifferences(
  table: string,
  expected: TableShape,
  actual: TableShape,
  names: { expected: string; actual: string },
): string[] {
  const differences: string[] = [];
  const differ = (what: string, a: unknown, b: unknown) => {
    const [left, right] = [JSON.stringify(a), JSON.stringify(b)];
    if (left !== right) differences.push(`${what}: ${names.expected} ${left}, ${names.actual} ${right}`);
  };
  for (const [column, a, b] of keyPairs(expected.columns, actual.columns)) {
    if (a === undefined) differences.push(`${table}.${column}: only in ${names.actual}`);
    else if (b === undefined) differences.push(`${table}.${column}: only in ${names.expected}`);
    else {
      differ(`${table}.${column} type`, a.type, b.type);
      differ(`${table}.${column} nullable`, a.nullable, b.nullable);
      differ(`${table}.${column} default`, a.default, b.default);
    }
  }
  differ(`${table} primary key`, expected.primaryKey, actual.primaryKey);
  for (const [index, a, b] of keyPairs(expected.indexes, actual.indexes)) {
    if (a === undefined) differences.push(`${table} index ${index}: only in ${names.actual}`);
    else if (b === undefined) differences.push(`${table} index ${index}: only in ${names.expected}`);
    else differ(`${table} index ${index}`, a, b);
  }
  differ(`${table} foreign keys`, expected.foreignKeys, actual.foreignKeys);
  differ(`${table} checks`, expected.checks, actual.checks);
  return differences;
}

function keyPairs<T>(a: Record<string, T>, b: Record<string, T>): [string, T | undefined, T | undefined][] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.map((key) => [key, a[key], b[key]]);
}

function foreignKey(
  columns: string[],
  table: string,
  foreignColumns: string[],
  onDelete: string,
  onUpdate: string,
): string {
  return `${columns.join(',')} -> ${table}(${foreignColumns.join(',')}) on delete ${onDelete.toLowerCase()}, on update ${onUpdate.toLowerCase()}`;
}

const POSTGRES_ACTIONS: Record<string, string> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

function sqliteFamily(declared: string): TypeFamily {
  const type = declared.toLowerCase();
  if (type === 'text') return 'text';
  if (type === 'integer') return 'integer';
  if (type === 'real') return 'real';
  if (type === 'blob') return 'blob';
  return `other: ${type}`;
}

function postgresFamily(dataType: string): TypeFamily {
  switch (dataType) {
    case 'text':
      return 'text';
    case 'smallint':
    case 'integer':
    case 'bigint':
      return 'integer';
    case 'boolean':
      return 'boolean';
    case 'real':
    case 'double precision':
      return 'real';
    case 'bytea':
      return 'blob';
    case 'json':
    case 'jsonb':
      return 'json';
    default:
      return `other: ${dataType}`;
  }
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
