import type { VpnSettings } from '../../store/routing-directory/model.js';

/**
 * A VPN's numbering plan (自由编号): which strings can be short codes.
 *
 * A short code is digits only, within the plan's length, and never starts with 0 or 1: `0…` is
 * the trunk prefix of long-distance numbers and `1…` holds the emergency (110, 112, 119, 120,
 * 122) and service numbers, so a short code can never shadow them. Uniqueness within the group
 * is the store's business, not the plan's.
 */

/** The part of the VPN settings the plan reads. */
export type ShortCodePlan = Pick<VpnSettings, 'shortCodeMin' | 'shortCodeMax'>;

export type ShortCodeCheck = { ok: true } | { ok: false; code: 'short_code_invalid'; message: string };

/** Police, fire, ambulance and traffic numbers: routed as emergency whoever dials them. */
export const EMERGENCY_NUMBERS: ReadonlySet<string> = new Set(['110', '112', '119', '120', '122']);

const ZERO = 48;
const TWO = 50;
const NINE = 57;

/** True when `dialled` is exactly an emergency number (no prefix, no suffix). */
export function isEmergencyNumber(dialled: string): boolean {
  return dialled.length === 3 && EMERGENCY_NUMBERS.has(dialled);
}

/**
 * True when `dialled` has the shape of a short code in this plan, whether or not anyone holds
 * it. Routing calls this on every request, so it reads char codes instead of running a regex.
 */
export function isShortCodeShaped(dialled: string, vpn: ShortCodePlan): boolean {
  const length = dialled.length;
  if (length < vpn.shortCodeMin || length > vpn.shortCodeMax) return false;
  const first = dialled.charCodeAt(0);
  if (first < TWO || first > NINE) return false;
  for (let i = 1; i < length; i++) {
    const c = dialled.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
  }
  return true;
}

function lengthRule(plan: ShortCodePlan): string {
  return plan.shortCodeMin === plan.shortCodeMax
    ? `exactly ${plan.shortCodeMin} digits`
    : `${plan.shortCodeMin}–${plan.shortCodeMax} digits`;
}

function invalid(message: string): ShortCodeCheck {
  return { ok: false, code: 'short_code_invalid', message };
}

/** Checks a short code a member or sub-group is to hold; the message says which rule it breaks. */
export function validateShortCode(shortCode: string, plan: ShortCodePlan): ShortCodeCheck {
  const length = shortCode.length;
  for (let i = 0; i < length; i++) {
    const c = shortCode.charCodeAt(i);
    if (c < ZERO || c > NINE) return invalid(`short code must be digits only (${lengthRule(plan)})`);
  }
  if (length < plan.shortCodeMin || length > plan.shortCodeMax) {
    return invalid(`short code must be ${lengthRule(plan)}`);
  }
  if (shortCode.charCodeAt(0) < TWO) {
    return invalid('short code must not start with 0 or 1 (reserved for emergency and service numbers)');
  }
  return { ok: true };
}
