import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isForeignKeyViolation, isUniqueViolation } from '../../../src/store/constraint-errors.js';

describe('isUniqueViolation', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, code TEXT UNIQUE, n INTEGER NOT NULL)');
  db.prepare("INSERT INTO t VALUES ('a', 'x', 1)").run();
  const failure = (sql: string) => {
    try {
      db.prepare(sql).run();
    } catch (error) {
      return error;
    }
    throw new Error('expected a failure');
  };

  it('knows SQLite unique and primary-key refusals, directly and wrapped', () => {
    expect(isUniqueViolation(failure("INSERT INTO t VALUES ('b', 'x', 1)"))).toBe(true);
    expect(isUniqueViolation(failure("INSERT INTO t VALUES ('a', 'y', 1)"))).toBe(true);
    const wrapped = new Error('Failed query', { cause: failure("INSERT INTO t VALUES ('a', 'z', 1)") });
    expect(isUniqueViolation(wrapped)).toBe(true);
  });

  it("knows PostgreSQL's 23505 and nothing else", () => {
    expect(isUniqueViolation(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('not null'), { code: '23502' }))).toBe(false);
    expect(isUniqueViolation(failure("INSERT INTO t VALUES ('c', 'w', NULL)"))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
    expect(isUniqueViolation('23505')).toBe(false);
  });
});

describe('isForeignKeyViolation', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  db.exec(
    'CREATE TABLE parent (id TEXT PRIMARY KEY); CREATE TABLE child (id TEXT PRIMARY KEY, parent_id TEXT REFERENCES parent(id))',
  );
  db.prepare("INSERT INTO parent VALUES ('p')").run();
  const failure = (sql: string) => {
    try {
      db.prepare(sql).run();
    } catch (error) {
      return error;
    }
    throw new Error('expected a failure');
  };

  it("knows SQLite's refusal of a missing parent, directly and wrapped, and PostgreSQL's 23503", () => {
    const refused = failure("INSERT INTO child VALUES ('c', 'gone')");
    expect(isForeignKeyViolation(refused)).toBe(true);
    expect(isForeignKeyViolation(new Error('Failed query', { cause: refused }))).toBe(true);
    expect(isForeignKeyViolation(Object.assign(new Error('fk'), { code: '23503' }))).toBe(true);
  });

  it('tells it from other refusals', () => {
    db.prepare("INSERT INTO child VALUES ('c', 'p')").run();
    expect(isForeignKeyViolation(failure("INSERT INTO child VALUES ('c', 'p')"))).toBe(false);
    expect(isForeignKeyViolation(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isForeignKeyViolation(undefined)).toBe(false);
  });
});
