import { type Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
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

/** Parses YAML or JSON text; throws ScenarioParseError naming paths and lines. */
export function parseScenarioText(text: string, file?: string): Scenario {
  const lineCounter = new LineCounter();
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
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const result = ScenarioSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ScenarioParseError(
    toIssues(result.error).map((issue) => ({ ...issue, ...locate(doc, lineCounter, issue.path) })),
    file,
  );
}

/** Validates an already parsed scenario (a JSON body); throws ScenarioParseError. */
export function parseScenarioValue(value: unknown): Scenario {
  const result = ScenarioSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ScenarioParseError(toIssues(result.error), undefined, 'value');
}

/** A request body: `{yaml: "…"}` (YAML text) or the scenario itself as JSON. */
export function parseScenarioRequest(body: unknown): Scenario {
  if (body !== null && typeof body === 'object' && 'yaml' in body) {
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
    return parseScenarioText(yaml);
  }
  return parseScenarioValue(body);
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
