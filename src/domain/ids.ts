import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/**
 * Public identifiers: a resource prefix and a monotonic ULID, so that ids sort in creation
 * order (cursor pagination relies on it) and say what they name (`mem_01J…`).
 */
export function newId(prefix: string): string {
  return `${prefix}_${nextUlid().toLowerCase()}`;
}
