import { RE2JS, RE2JSException } from 're2js';

/**
 * The `$regex` matcher. Patterns come from callers (the sandbox endpoint runs any partner's
 * scenario), so they run on RE2 (re2js): matching takes time linear in the text, whatever the
 * pattern. RE2 has no backreferences and no lookaround; flags go inline, `(?i)`, `(?s)`, `(?m)`.
 */

/** Longer patterns are refused: compiling one costs time in proportion to its expanded size. */
export const MAX_PATTERN_LENGTH = 1000;

/** Compiled patterns of this thread; a scenario tends to repeat its few patterns. */
const compiled = new Map<string, RE2JS>();
const CACHE_SIZE = 100;

export class PatternError extends Error {
  override name = 'PatternError';
}

/** Compiles a pattern, or throws PatternError saying why RE2 cannot run it. */
export function compilePattern(pattern: string): RE2JS {
  const hit = compiled.get(pattern);
  if (hit !== undefined) return hit;
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new PatternError(`a pattern holds at most ${MAX_PATTERN_LENGTH} characters`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    throw new PatternError(
      `${error.message.replace(/^error parsing regexp: /, '')} (RE2 syntax: no backreferences, no lookaround)`,
    );
  }
  if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
  compiled.set(pattern, re);
  return re;
}

/** Whether the pattern matches anywhere in the text (as RegExp#test). */
export function matchesPattern(pattern: string, text: string): boolean {
  return compilePattern(pattern).test(text);
}
