import { z } from 'zod';
import { INSTITUTION_TYPES, PROVINCES, VALUE_TIERS } from '../domain/group-rules.js';
import { DIAL_STRING, toE164, toMobileE164 } from '../domain/phone.js';

/**
 * Schemas shared by the routes. Input schemas normalise as they validate (phone numbers to
 * E.164, times to epoch ms), so handlers never parse by hand.
 */

export const MobileNumber = z
  .string()
  .max(32)
  .transform((value, ctx) => {
    const e164 = toMobileE164(value);
    if (e164 === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a valid mobile number (e.g. 13800138000 or +8613800138000)',
      });
      return z.NEVER;
    }
    return e164;
  })
  .meta({
    description: 'A mobile number, national or international; answered in E.164',
    example: '+8613800138000',
  });

export const AnyNumber = z
  .string()
  .max(32)
  .transform((value, ctx) => {
    const e164 = toE164(value);
    if (e164 === null) {
      ctx.addIssue({ code: 'custom', message: 'must be a valid phone number (mobile or landline)' });
      return z.NEVER;
    }
    return e164;
  })
  .meta({ description: 'Any valid phone number, national or international', example: '+861012345678' });

export const DialString = z
  .string()
  .regex(DIAL_STRING, 'must be digits with an optional leading +, * or #')
  .meta({
    description: 'Digits as dialled: a short code, service number, prefix + number or full number',
    example: '6201',
  });

/**
 * The times the service takes: from year 0000 up to 9999-01-01 in UTC. An offset can carry
 * `9999-12-31T23:59:59-23:59` into year 10000, which answers would write as `+010000-…`, a form
 * that ISO 8601 parsers refuse; the year of headroom keeps what is scheduled after a time
 * (conference ends, subscriber timers) inside four-digit years too.
 */
export const EARLIEST_INSTANT_MS = Date.parse('0000-01-01T00:00:00Z');
export const LATEST_INSTANT_MS = Date.parse('9999-01-01T00:00:00Z');

/** ISO 8601 with an offset → epoch ms. */
export const Instant = z.iso
  .datetime({ offset: true })
  .transform((value, ctx) => {
    const ms = Date.parse(value);
    if (ms < EARLIEST_INSTANT_MS || ms > LATEST_INSTANT_MS) {
      ctx.addIssue({ code: 'custom', message: 'must lie between 0000-01-01 and 9999-01-01 (UTC)' });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ description: 'ISO 8601 date-time with offset', example: '2026-11-24T09:30:00+08:00' });

export const Province = z.enum(PROVINCES).meta({ description: 'ISO 3166-2:CN code', example: 'CN-HE' });
export const InstitutionType = z.enum(INSTITUTION_TYPES);
export const ValueTier = z.enum(VALUE_TIERS);
export const Fen = z.number().int().min(0).max(1_000_000_000);

export const Id = z.string().min(1).max(64);

/**
 * A page size from the query string, in decimal digits only: `z.coerce.number()` reads whatever
 * `Number()` reads, so `0x10`, `1e3` and ` 12` passed as 16, 1000 and 12.
 */
export const PageLimit = z
  .string()
  .regex(/^\d{1,6}$/, 'must be a whole number 1–500 in decimal digits')
  .transform(Number)
  .pipe(z.number().min(1, 'must be 1–500').max(500, 'must be 1–500'))
  .prefault('50');

export const Pagination = z.object({
  limit: PageLimit,
  cursor: z.string().max(64).optional(),
});

/**
 * Free text to search by (`?q=`): not blank, and free of control characters, which SQLite's
 * LIKE reads as the pattern's end (a NUL byte matched every row).
 */
export const SearchText = z
  .string()
  .trim()
  .min(1, 'must not be blank')
  .max(50)
  .regex(/^\P{Cc}*$/u, 'must not contain control characters');

export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** Problem responses every authenticated route may give (429: a request budget, rate-limit.ts). */
export const problems = (...statuses: number[]) =>
  Object.fromEntries([400, 401, 429, ...statuses].map((status) => [status, Problem])) as Record<
    number,
    typeof Problem
  >;

export const NoContent = z.null().meta({ description: 'No content' });
