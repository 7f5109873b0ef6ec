import { type Document, isAlias, LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import {
  depthOverflow,
  MAX_DEPTH,
  MAX_YAML_LENGTH,
  MAX_YAML_NESTING,
  yamlNestingOverflow,
} from './input-limits.js';
import { type Scenario, ScenarioSchema } from './schema.js';

/** Reading a scenario: YAML (JSON is YAML too) or an already parsed value, with errors by path. */

export interface ScenarioIssue {
  path: (string | number)[];
  message: string;
  /** 1-based, when the scenario came from text. */
  line?: number;
  column?: number;
}

export class ScenarioParseError extends Error {
  override name = 'ScenarioParseError';
  constructor(
    readonly issues: ScenarioIssue[],
    readonly file?: string,
    /** Whether the scenario came as text (YAML/JSON) or as a parsed value. */
    readonly source: 'text' | 'value' = 'text',
  ) {
    super(issues.map((issue) => formatIssue(issue, file)).join('\n'));
  }
}

/** `steps[2].call.to` */
export function formatPath(path: (string | number)[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? key : `${text}.${key}`),
    '',
  );
}

export function formatIssue(issue: ScenarioIssue, file?: string): string {
  const where =
    issue.line === undefined
      ? ''
      : `${file === undefined ? 'line ' : `${file}:`}${issue.line}:${issue.column ?? 1} `;
  const path = issue.path.length === 0 ? '(scenario)' : formatPath(issue.path);
  return `${where}${path}: ${issue.message}`;
}

/** How far YAML aliases may expand (yaml's own count of the nodes an alias brings in). */
const MAX_ALIAS_COUNT = 100;

/** Parses YAML or JSON text; throws ScenarioParseError naming paths and lines. */
export function parseScenarioText(text: string, file?: string): Scenario {
  const lineCounter = new LineCounter();
  checkTextBounds(text, file);
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    // After the first syntax error the parser's further complaints are mostly its echo.
    throw new ScenarioParseError(
      doc.errors.slice(0, 1).map((error) => {
        const pos = error.linePos?.[0];
        return {
          path: [],
          message: `YAML: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}${
            /flow|map-end|seq-end/.test(error.code.toLowerCase()) || error.message.includes('flow')
              ? " (inside { } or [ ], quote text that holds braces, commas or colons: '{alias}')"
              : ''
          }`,
          ...(pos === undefined ? {} : { line: pos.line, column: pos.col }),
        };
      }),
      file,
    );
  }
  const value = resolveAliases(doc, lineCounter, file);
  checkDepth(value, file, (path) => locate(doc, lineCounter, path));
  const result = ScenarioSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ScenarioParseError(
    toIssues(result.error).map((issue) => ({ ...issue, ...locate(doc, lineCounter, issue.path) })),
    file,
  );
}

/** Validates an already parsed scenario (a JSON body); throws ScenarioParseError. */
export function parseScenarioValue(value: unknown): Scenario {
  checkDepth(value, undefined, () => ({}), 'value');
  const result = ScenarioSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ScenarioParseError(toIssues(result.error), undefined, 'value');
}

/** A request body: `{yaml: "…"}` (YAML text) or the scenario itself as JSON. */
export function parseScenarioRequest(body: unknown): Scenario {
  const yaml = yamlOf(body);
  return yaml === undefined ? parseScenarioValue(body) : parseScenarioText(yaml);
}

/**
 * The cheap bounds of a request body (the YAML text's length, the JSON value's depth), for
 * checking before the body is handed on; parseScenarioRequest checks them too.
 */
export function checkRequestBounds(body: unknown): void {
  const yaml = yamlOf(body);
  if (yaml === undefined) checkDepth(body, undefined, () => ({}), 'value');
  else checkTextLength(yaml);
}

/** The YAML text of a `{yaml}` body; undefined for a JSON scenario. */
function yamlOf(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || !('yaml' in body)) return undefined;
  const { yaml, ...rest } = body as { yaml: unknown };
  if (typeof yaml !== 'string' || Object.keys(rest).length > 0)
    throw new ScenarioParseError(
      [
        {
          path: ['yaml'],
          message: 'give either {yaml: "<the scenario as YAML>"} alone or the scenario as JSON',
        },
      ],
      undefined,
      'value',
    );
  return yaml;
}

function checkTextLength(text: string, file?: string): void {
  if (text.length > MAX_YAML_LENGTH)
    throw new ScenarioParseError(
      [
        {
          path: [],
          message: `YAML: at most ${MAX_YAML_LENGTH / 1024} KiB of text (this is ${Math.ceil(text.length / 1024)} KiB)`,
        },
      ],
      file,
    );
}

/** Size and nesting, before the YAML parser (which recurses) reads the text. */
function checkTextBounds(text: string, file?: string): void {
  checkTextLength(text, file);
  const overflow = yamlNestingOverflow(text);
  if (overflow === undefined) return;
  let lineStart = 0;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < overflow; i = text.indexOf('\n', i + 1)) {
    lineStart = i + 1;
    line++;
  }
  throw new ScenarioParseError(
    [
      {
        path: [],
        message: `YAML: nested too deeply (more than ${MAX_YAML_NESTING} levels of brackets and indentation)`,
        line,
        column: overflow - lineStart + 1,
      },
    ],
    file,
  );
}
/**
 * The document as plain values. An alias whose anchor is missing or comes later, or aliases
 * that expand past the limit (a "billion laughs"), are the caller's YAML problem, at the alias.
 */
function resolveAliases(doc: Document, lineCounter: LineCounter, file?: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let at: number | undefined;
    let name = '';
    visit(doc, {
      Alias(_, node) {
        if (!isAlias(node)) return undefined;
        if (at === undefined || node.resolve(doc) === undefined) {
          at = node.range?.[0];
          name = node.source;
        }
        return node.resolve(doc) === undefined ? visit.BREAK : undefined;
      },
    });
    const message = /resource exhaustion/.test(error.message)
      ? `YAML: aliases expand too far (at most ${MAX_ALIAS_COUNT} expansions; is this a "billion laughs"?)`
      : `YAML: unknown alias *${name} (an anchor &${name} must come before its alias)`;
    const pos = at === undefined ? undefined : lineCounter.linePos(at);
    throw new ScenarioParseError(
      [{ path: [], message, ...(pos === undefined ? {} : { line: pos.line, column: pos.col }) }],
      file,
    );
  }
}

function checkDepth(
  value: unknown,
  file: string | undefined,
  where: (path: (string | number)[]) => { line?: number; column?: number },
  source: 'text' | 'value' = 'text',
): void {
  const path = depthOverflow(value);
  if (path === undefined) return;
  throw new ScenarioParseError(
    [{ path, message: `nested too deeply (at most ${MAX_DEPTH} levels)`, ...where(path) }],
    file,
    source,
  );
}

function toIssues(error: z.ZodError): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: [...path, key], message: `unknown field "${key}"` });
    } else if (issue.code === 'invalid_key') {
      issues.push({ path, message: `bad key: ${issue.issues.map((i) => i.message).join('; ')}` });
    } else if (issue.code === 'invalid_union') {
      const first = issue.errors.flat()[0];
      issues.push({ path, message: first?.message ?? issue.message });
    } else {
      issues.push({ path, message: issue.message });
    }
  }
  return issues;
}

/** The line and column of the deepest node of `path` that the document has. */
function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: (string | number)[],
): { line?: number; column?: number } {
  for (let length = path.length; length >= 0; length--) {
    const node = doc.getIn(path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
    if (node?.range !== undefined) {
      const pos = lineCounter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}
