import { AppError } from '../domain/errors.js';
import { isUniqueViolation } from './constraint-errors.js';

/**
 * An entity as stored, with the version of its row. Calls and conferences are saved by
 * compare-and-set: a write names the version it was computed from (0 for a new entity) and the
 * row moves to the next one only if it still has it. Otherwise another process wrote the row
 * since this one read it, and the write is refused whole (409 `concurrent_update`).
 */
export interface Versioned<T> {
  readonly value: T;
  readonly version: number;
}

/** The refusal of a write computed from a version that is no longer the row's. */
export function concurrentUpdate(entity: string, id: string): AppError {
  return new AppError(
    'concurrent_update',
    `${entity} ${id} was changed by another request since it was read; read it again and retry`,
  );
}

/**
 * A unique row already written (the entity inserted twice, an event at the same position, a
 * second CDR for the call) means another writer got there first: the same refusal.
 */
export function asConcurrentUpdate(error: unknown, entity: string, id: string): unknown {
  return isUniqueViolation(error) ? concurrentUpdate(entity, id) : error;
}
