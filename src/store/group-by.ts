/** Rows grouped by a key, each group in the rows' order (rows come sorted by key, then position). */
export function groupBy<Row, Value>(
  rows: Iterable<Row>,
  keyOf: (row: Row) => string,
  itemOf: (row: Row) => Value,
): Map<string, Value[]> {
  const groups = new Map<string, Value[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [itemOf(row)]);
    else group.push(itemOf(row));
  }
  return groups;
}
