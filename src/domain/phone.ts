import { Metadata } from 'libphonenumber-js/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import maxMetadata from 'libphonenumber-js/metadata.max.json';

/**
 * Phone-number normalisation. The contract accepts national or international input
 * (`13800138000`, `+86 138 0013 8000`, `8613800138000`) and always answers in E.164.
 *
 * Parsing with full metadata costs ~9 µs (20 µs and more on first sight), far too much for the
 * routing hot path. Two shortcuts, both answering exactly what the library answers:
 * - the canonical forms of a Chinese mobile (`13800138000`, `+8613800138000`, `8613800138000`)
 *   are checked against the library's own mobile pattern without parsing (`canonicalMobile`);
 * - anything else goes through the library once and is memoised in a bounded map.
 */

const DEFAULT_REGION = 'CN';
const MEMO_LIMIT = 500_000;

export interface ParsedNumber {
  /** E.164, e.g. `+8613800138000`. */
  e164: string;
  mobile: boolean;
}

const memo = new Map<string, ParsedNumber | null>();

/** The part of the library's numbering plan read here (its typings leave `type()` out). */
interface PlanTypes {
  type(name: 'MOBILE'): { pattern(): string } | undefined;
  nationalPrefixForParsing(): string | undefined;
  IDDPrefix(): string;
  possibleLengths(): number[];
}

const chinaPlan = (() => {
  const metadata = new Metadata(maxMetadata);
  metadata.selectNumberingPlan(DEFAULT_REGION);
  return metadata.numberingPlan as unknown as PlanTypes;
})();

/**
 * China's mobile ranges, and the prefixes the library strips before a national number (`0`,
 * carrier-select codes such as `1259x`, international call prefixes), from the library's own
 * metadata: the data it validates with, never copied by hand.
 */
const CN_MOBILE = new RegExp(`^(?:${chinaPlan.type('MOBILE')?.pattern() ?? '(?!)'})$`);
const CN_PREFIXES = new RegExp(
  `^(?:${chinaPlan.nationalPrefixForParsing() ?? '(?!)'}|${chinaPlan.IDDPrefix()})`,
);

/**
 * No Chinese number is shorter than this many digits, so a string of fewer digits (a short
 * code, `110`) is no number: the library strips prefixes but never adds digits.
 */
const CN_SHORTEST = Math.min(...chinaPlan.possibleLengths());

const PLUS = 43;
const ZERO = 48;
const ONE = 49;
const SIX = 54;
const EIGHT = 56;
const NINE = 57;

/** True when `input` from `start` to its end is all ASCII digits. */
function digitsFrom(input: string, start: number): boolean {
  for (let i = start; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
  }
  return true;
}

/**
 * The hot path's shortcut: a Chinese mobile written in one of its canonical forms, national
 * `1XXXXXXXXXX`, E.164 `+861XXXXXXXXXX` or plus-less `861XXXXXXXXXX`, whose eleven digits are in
 * the library's mobile ranges. The library reads such a number as CN with these eleven digits
 * as the national number: a prefix is stripped only when one leads, and those numbers are left
 * to the library. Its E.164 (a flat string), else null: the caller then parses.
 * test/unit/domain/phone.test.ts checks it against the library over every leading range.
 */
export function canonicalMobile(input: string): string | null {
  const length = input.length;
  let start: number;
  if (length === 11) start = 0;
  else if (length === 14 && input.charCodeAt(0) === PLUS) start = 3;
  else if (length === 13) start = 2;
  else return null;
  // `+86` or `86` before the eleven digits, which start with 1.
  if (start > 0 && (input.charCodeAt(start - 2) !== EIGHT || input.charCodeAt(start - 1) !== SIX)) {
    return null;
  }
  if (input.charCodeAt(start) !== ONE || !digitsFrom(input, start)) return null;
  const national = start === 0 ? input : input.slice(start);
  if (!CN_MOBILE.test(national) || CN_PREFIXES.test(national)) return null;
  if (start === 3) return input;
  // A concatenation is a rope; a map lookup would flatten it on every call. `trim` flattens it
  // once, in a builtin (the string has no spaces to trim).
  return `+86${national}`.trim();
}

/** Parses any valid phone number (mobile or landline); null when it is not one. */
export function parseNumber(input: string): ParsedNumber | null {
  const mobile = canonicalMobile(input);
  if (mobile !== null) return { e164: mobile, mobile: true };
  return parseMemoised(input);
}

function parseMemoised(input: string): ParsedNumber | null {
  // Dialled short codes and service numbers come this way on every call: answer them without
  // the memo's (cache-missing) read.
  if (input.length < CN_SHORTEST && digitsFrom(input, 0)) return null;
  const hit = memo.get(input);
  if (hit !== undefined) return hit;
  const parsed = parseWithLibrary(input);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(input, parsed);
  return parsed;
}

/** The library's answer, with no shortcut and no memo: what `canonicalMobile` is tested against. */
export function parseWithLibrary(input: string): ParsedNumber | null {
  const trimmed = input.trim();
  // Only digits, spaces, dashes, dots, brackets and one leading plus: no letters (vanity numbers
  // are not part of the contract), no extensions.
  if (trimmed.length === 0 || trimmed.length > 32 || !/^\+?[\d\s\-().]+$/.test(trimmed)) return null;
  let candidate = trimmed;
  // `8613800138000` is international without the plus: read it so when it is a valid number.
  const digits = trimmed.replace(/[\s\-().]/g, '');
  if (/^86\d{11,12}$/.test(digits)) candidate = `+${digits}`;
  const parsed = parsePhoneNumberFromString(candidate, DEFAULT_REGION);
  if (!parsed?.isValid()) return null;
  const type = parsed.getType();
  return { e164: parsed.number, mobile: type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' };
}

/** E.164 of a valid number, mobile or landline (a caller's `from`); null otherwise. */
export function toE164(input: string): string | null {
  return canonicalMobile(input) ?? parseMemoised(input)?.e164 ?? null;
}

/** E.164 of a valid mobile number (a member's `msisdn`); null otherwise. */
export function toMobileE164(input: string): string | null {
  const mobile = canonicalMobile(input);
  if (mobile !== null) return mobile;
  const parsed = parseMemoised(input);
  return parsed?.mobile ? parsed.e164 : null;
}

/**
 * A dialled string (`to` of a route, call or SMS): digits with an optional leading `+`, `*`
 * or `#`. It is routed as dialled, so it is not normalised here.
 */
export const DIAL_STRING = /^[+*#]?\d{1,20}$/;

export function isDialString(input: string): boolean {
  return DIAL_STRING.test(input);
}
