import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Phone-number normalisation. The contract accepts national or international input
 * (`13800138000`, `+86 138 0013 8000`, `8613800138000`) and always answers in E.164.
 *
 * Parsing with full metadata costs ~9 µs, far too much for the routing hot path, so results
 * are memoised in a bounded map: realistic traffic repeats the same numbers over and over.
 */

const DEFAULT_REGION = 'CN';
const MEMO_LIMIT = 500_000;

export interface ParsedNumber {
  /** E.164, e.g. `+8613800138000`. */
  e164: string;
  mobile: boolean;
}

const memo = new Map<string, ParsedNumber | null>();

/** Parses any valid phone number (mobile or landline); null when it is not one. */
export function parseNumber(input: string): ParsedNumber | null {
  const hit = memo.get(input);
  if (hit !== undefined) return hit;
  const parsed = parseUncached(input);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(input, parsed);
  return parsed;
}

function parseUncached(input: string): ParsedNumber | null {
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
  return parseNumber(input)?.e164 ?? null;
}

/** E.164 of a valid mobile number (a member's `msisdn`); null otherwise. */
export function toMobileE164(input: string): string | null {
  const parsed = parseNumber(input);
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
