/** Cursor pagination over creation-ordered ids: the cursor is the last id of the page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** Takes `limit + 1` fetched rows and turns them into a page. */
export function toPage<T extends { id: string }, V>(rows: T[], limit: number, view: (row: T) => V): Page<V> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items: items.map(view), nextCursor: more ? (items[items.length - 1]?.id ?? null) : null };
}

/** Escapes LIKE wildcards so that user input matches literally (used with ESCAPE '\'). */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
