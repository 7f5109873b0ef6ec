/**
 * Unique constraints are the last word on what may be taken once (a number, a short code, a
 * pilot, one CDR per call): a service checks first to give a precise answer, and when a
 * concurrent writer took the value between its check and its write, the database refuses the
 * second. This tells that refusal apart from other failures, on both backends.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  // better-sqlite3: SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY; node-postgres: SQLSTATE 23505.
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') {
    return true;
  }
  // drizzle wraps driver errors in its own (DrizzleQueryError) with the driver's as `cause`.
  return isUniqueViolation((error as { cause?: unknown }).cause);
}

/**
 * A row's reference to another that is gone: a concurrent delete committed between a service's
 * check that the parent exists and its insert (a member added while its group is deleted).
 */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  // better-sqlite3: SQLITE_CONSTRAINT_FOREIGNKEY; node-postgres: SQLSTATE 23503.
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') return true;
  return isForeignKeyViolation((error as { cause?: unknown }).cause);
}
