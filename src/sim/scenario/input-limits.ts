import { CST, Lexer } from 'yaml';

/**
 * Bounds on what a scenario's text and value may be, checked before anything deeper reads them:
 * the YAML library and the checks that walk a scenario recurse, and nesting thousands deep
 * costs seconds there and ends in a stack overflow (or worse). No real scenario comes close.
 */

/** The longest YAML text taken (a 500-step scenario is well under 100 KiB). */
export const MAX_YAML_LENGTH = 256 * 1024;
/** The deepest nesting of a scenario's value (objects and arrays). */
export const MAX_DEPTH = 64;
/**
 * A bound on YAML nesting read from the tokens alone, before the parser sees them: flow
 * brackets open plus the width of the line's block prefix (indentation and `- `, `? `, `: `
 * before its first content). A column of prefix stands for at most one level of block nesting,
 * so this over-counts indentation by design.
 */
export const MAX_YAML_NESTING = 200;

type Path = (string | number)[];

const BLOCK_PREFIX = new Set(['space', 'seq-item-ind', 'explicit-key-ind', 'map-value-ind']);
/** The Lexer's markers for document start, scalar and flow error are not in the text. */
const MARKERS = new Set(['doc-mode', 'scalar', 'flow-error-end']);

/**
 * The offset of the first token of the text nested past MAX_YAML_NESTING, if any. yaml's Lexer
 * works in one pass without recursion, so this is linear in the text.
 */
export function yamlNestingOverflow(text: string): number | undefined {
  let offset = 0;
  let flow = 0;
  let prefix = 0;
  let inPrefix = true;
  let scalarNext = false;
  for (const token of new Lexer().lex(text)) {
    // What follows the scalar marker is a scalar's text, even one that starts with spaces.
    const type: string = scalarNext ? 'scalar-text' : (CST.tokenType(token) ?? 'scalar-text');
    scalarNext = type === 'scalar';
    if (MARKERS.has(type)) continue;
    if (type === 'flow-map-start' || type === 'flow-seq-start') flow++;
    else if (type === 'flow-map-end' || type === 'flow-seq-end') flow = Math.max(0, flow - 1);
    if (type === 'newline') {
      prefix = 0;
      inPrefix = true;
    } else if (inPrefix && BLOCK_PREFIX.has(type)) prefix += token.length;
    else inPrefix = false;
    if (type !== 'space' && type !== 'newline' && flow + prefix > MAX_YAML_NESTING) return offset;
    offset += token.length;
  }
  return undefined;
}

/** The path of the first value nested past MAX_DEPTH, if any; iterative, so any depth is safe. */
export function depthOverflow(value: unknown): Path | undefined {
  interface Node {
    value: unknown;
    depth: number;
    key: string | number | undefined;
    parent: Node | undefined;
  }
  const stack: Node[] = [{ value, depth: 0, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.value === null || typeof node.value !== 'object') continue;
    if (node.depth >= MAX_DEPTH) return pathOf(node);
    const entries: [string | number, unknown][] = Array.isArray(node.value)
      ? node.value.map((item, i) => [i, item])
      : Object.entries(node.value);
    for (const [key, item] of entries) stack.push({ value: item, depth: node.depth + 1, key, parent: node });
  }
  return undefined;

  function pathOf(node: Node): Path {
    const path: Path = [];
    for (let at: Node | undefined = node; at?.key !== undefined; at = at.parent) path.unshift(at.key);
    return path;
  }
}
