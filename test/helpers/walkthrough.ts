/**
 * The README's walk-through as data: its shell blocks and the outcome each command documents.
 *
 * A block runs when the line before its ```sh fence is `<!-- walkthrough -->`, or
 * `<!-- walkthrough restart: NAME=value … -->` when the server must first be restarted with those
 * variables (same data directory, same key). Every line that calls curl ends with its expected
 * outcome: `# → STATUS` then any number of `path=value` (a dot path into the JSON answer, array
 * indexes and `length` included; `$VAR` is the shell's variable) and `~text` (the answer
 * contains the text). Prose goes on comment lines of its own. The line that sets BASE is where
 * the test puts its own server's address and key.
 */

export interface WalkthroughBlock {
  /** 1-based line of the fence in the README. */
  line: number;
  /** Variables to restart the server with before this block; null: run on the server as it is. */
  restart: Record<string, string> | null;
  lines: string[];
}

const MARKER = /^<!-- walkthrough(?: restart: (.+?))? -->$/;
export const EXPECTATION = /\s#\s→\s(.*)$/;

export function walkthroughBlocks(readme: string): WalkthroughBlock[] {
  const lines = readme.split('\n');
  const blocks: WalkthroughBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i]!.trim());
    if (!marker) continue;
    if (lines[i + 1]?.trim() !== '```sh')
      throw new Error(`README line ${i + 1}: the marker must precede a \`\`\`sh block`);
    const end = lines.indexOf('```', i + 2);
    const restart = marker[1]
      ? Object.fromEntries(marker[1].split(/\s+/).map((pair) => pair.split('=', 2) as [string, string]))
      : null;
    blocks.push({ line: i + 2, restart, lines: lines.slice(i + 2, end) });
    i = end;
  }
  return blocks;
}

/**
 * The block as bash runs it: each annotated line followed by `__expect LINE "annotation"` (in
 * double quotes, so the shell expands the variables it names), the BASE line replaced.
 */
export function toScript(block: WalkthroughBlock, base: string, key: string): string {
  return block.lines
    .map((text, index) => {
      const line = block.line + 1 + index;
      if (/^(export )?BASE=/.test(text)) return `BASE=${base} KEY=${key}`;
      const expectation = EXPECTATION.exec(text);
      if (!expectation) return text;
      const quoted = expectation[1]!.trim().replace(/[\\"`]/g, (c) => `\\${c}`);
      return `${text}\n__expect ${line} "${quoted}"`;
    })
    .join('\n');
}

export interface Outcome {
  status: number;
  body: string;
}

/** What is wrong with an outcome for its annotation (`201 id=… ~text`); empty when it matches. */
export function mismatches(annotation: string, outcome: Outcome): string[] {
  const [status, ...checks] = annotation.split(/\s+/);
  const problems: string[] = [];
  if (!/^\d{3}$/.test(status ?? '')) return [`the annotation must start with a status: "${annotation}"`];
  if (Number(status) !== outcome.status) problems.push(`status ${outcome.status}, documented ${status}`);
  let json: unknown;
  try {
    json = JSON.parse(outcome.body);
  } catch {
    json = undefined;
  }
  for (const check of checks) {
    if (check.startsWith('~')) {
      if (!outcome.body.includes(check.slice(1)))
        problems.push(`the answer does not contain ${check.slice(1)}`);
      continue;
    }
    const eq = check.indexOf('=');
    if (eq <= 0) {
      problems.push(`"${check}" is neither path=value nor ~text`);
      continue;
    }
    const path = check.slice(0, eq);
    const expected = check.slice(eq + 1);
    let value: unknown = json;
    for (const step of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[step];
    const actual = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    if (actual !== expected) problems.push(`${path} is ${actual}, documented ${expected}`);
  }
  return problems;
}

/**
 * The failures of a run: `expectations` are the `__expect` rows (README line, how many curl
 * calls had run by then, the expanded annotation), `calls` how many ran in all, `outcome(n)` the
 * n-th call's answer. Each annotation must follow exactly one call, and no call may go without.
 */
export function verify(
  expectations: Array<[line: string, count: string, annotation: string]>,
  calls: number,
  outcome: (n: number) => Outcome,
): string[] {
  const failures: string[] = [];
  let previous = 0;
  for (const [line, count, annotation] of expectations) {
    const n = Number(count);
    if (n !== previous + 1) {
      failures.push(`README line ${line}: ${n - previous} curl calls since the last documented one, not 1`);
    } else {
      const answer = outcome(n);
      for (const problem of mismatches(annotation, answer))
        failures.push(`README line ${line}: ${problem}\n    answer: ${answer.body.slice(0, 400)}`);
    }
    previous = n;
  }
  if (calls !== previous) failures.push(`${calls - previous} curl calls after the last documented one`);
  return failures;
}
