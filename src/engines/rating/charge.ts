/**
 * Rating a call (计费): integer fen only. Billable time runs from answer to hang-up in whole
 * seconds, rounded up; every started minute is charged as a whole minute.
 */

export interface CallCharge {
  billableSeconds: number;
  /** Started minutes: ceil(billableSeconds / 60). */
  billedMinutes: number;
  chargeFen: number;
}

export const NO_CHARGE: CallCharge = Object.freeze({ billableSeconds: 0, billedMinutes: 0, chargeFen: 0 });

/** `answeredAtMs` null (never answered) or an end before the answer gives nothing to charge. */
export function rateCall(
  answeredAtMs: number | null,
  endedAtMs: number,
  rateFenPerMinute: number,
): CallCharge {
  if (answeredAtMs === null || endedAtMs <= answeredAtMs) return NO_CHARGE;
  const billableSeconds = Math.ceil((endedAtMs - answeredAtMs) / 1000);
  const billedMinutes = Math.ceil(billableSeconds / 60);
  return {
    billableSeconds,
    billedMinutes,
    chargeFen: billedMinutes * Math.max(0, Math.trunc(rateFenPerMinute)),
  };
}
