import type { TariffRates } from './tariff.js';

/**
 * A group's monthly bill (月账单) as a pure computation over plain facts: subscriptions with
 * the days they were active, rated usage summed per call type, conference participant-minutes,
 * tones produced. Integer fen throughout; the total is the sum of the lines, by construction.
 *
 * Recurring fees are prorated by day: fee × activeDays / daysInMonth, rounded half up to the
 * fen, at the tariff in force on the first day of the period.
 */

export type BillProduct = 'vpn' | 'switchboard' | 'ringback' | 'conference' | 'voice_line' | 'voice';
export type BillLineKind = 'recurring' | 'one_off' | 'usage' | 'allowance' | 'overage' | 'minimum_topup';

export interface BillLine {
  kind: BillLineKind;
  product: BillProduct;
  description: string;
  quantity: number;
  unit: string;
  amountFen: number;
}

export interface ActiveSubscription {
  product: 'vpn' | 'switchboard' | 'ringback' | 'conference' | 'voice_line';
  packageId: string | null;
  /** Units billed (switchboards, CRBT members, lines). */
  quantity: number;
  /** Days of the period the subscription was active (1..daysInMonth). */
  activeDays: number;
}

export interface UsageByCallType {
  callType: string;
  calls: number;
  /** Started minutes, summed per call. */
  billedMinutes: number;
  chargeFen: number;
}

export interface BillFacts {
  /** `YYYY-MM`. */
  period: string;
  daysInMonth: number;
  rates: TariffRates;
  subscriptions: ActiveSubscription[];
  usage: UsageByCallType[];
  conference: { conferences: number; participantMinutes: number; chargeFen: number };
  tones: Array<{ title: string; productionFeeFen: number }>;
}

export interface Bill {
  period: string;
  lines: BillLine[];
  totalFen: number;
}

/** fee × days / daysInMonth, rounded half up (integer arithmetic: no float drift). */
export function prorate(feeFen: number, activeDays: number, daysInMonth: number): number {
  if (activeDays >= daysInMonth) return feeFen;
  return Math.floor((2 * feeFen * activeDays + daysInMonth) / (2 * daysInMonth));
}

const PRODUCT_OF_CALL_TYPE: Record<string, BillProduct> = {
  vpn_short: 'vpn',
  vpn_onnet: 'vpn',
  switchboard_inbound: 'switchboard',
  switchboard_outbound: 'switchboard',
  conference_dialin: 'conference',
  conference_dialout: 'conference',
  offnet: 'voice',
  emergency: 'voice',
};

const days = (s: ActiveSubscription, daysInMonth: number) =>
  s.activeDays >= daysInMonth ? 'whole month' : `${s.activeDays} of ${daysInMonth} days`;

export function computeBill(facts: BillFacts): Bill {
  const { rates, daysInMonth } = facts;
  const lines: BillLine[] = [];

  // Recurring fees, in a fixed product order so the same facts always give the same bill.
  const order = ['vpn', 'switchboard', 'ringback', 'conference', 'voice_line'];
  const subscriptions = [...facts.subscriptions].sort(
    (a, b) =>
      order.indexOf(a.product) - order.indexOf(b.product) ||
      (a.packageId ?? '').localeCompare(b.packageId ?? '') ||
      a.quantity - b.quantity ||
      a.activeDays - b.activeDays,
  );
  let packageMinutes = 0;
  let hasPackage = false;
  let voiceLines = 0;
  for (const s of subscriptions) {
    switch (s.product) {
      case 'switchboard':
        lines.push({
          kind: 'recurring',
          product: 'switchboard',
          description: `switchboard monthly fee × ${s.quantity} (${days(s, daysInMonth)})`,
          quantity: s.quantity,
          unit: 'switchboard-month',
          amountFen: prorate(rates.switchboard.monthlyFeeFen * s.quantity, s.activeDays, daysInMonth),
        });
        break;
      case 'ringback':
        lines.push({
          kind: 'recurring',
          product: 'ringback',
          description: `CRBT function fee × ${s.quantity} members (${days(s, daysInMonth)})`,
          quantity: s.quantity,
          unit: 'member-month',
          amountFen: prorate(
            rates.ringback.functionFeeFenPerMemberMonth * s.quantity,
            s.activeDays,
            daysInMonth,
          ),
        });
        break;
      case 'conference': {
        const pkg = rates.conference.packages.find((p) => p.id === s.packageId);
        if (pkg === undefined) break;
        hasPackage = true;
        packageMinutes += prorate(pkg.includedMinutes, s.activeDays, daysInMonth);
        lines.push({
          kind: 'recurring',
          product: 'conference',
          description: `${pkg.name} (${days(s, daysInMonth)})`,
          quantity: 1,
          unit: 'package-month',
          amountFen: prorate(pkg.monthlyFeeFen, s.activeDays, daysInMonth),
        });
        break;
      }
      case 'voice_line':
        voiceLines += s.quantity * s.activeDays;
        break;
      case 'vpn':
        // The group VPN has no monthly fee in the catalogue: its value is the on-net rate.
        break;
    }
  }

  for (const tone of facts.tones) {
    lines.push({
      kind: 'one_off',
      product: 'ringback',
      description: `tone production: ${tone.title}`,
      quantity: 1,
      unit: 'tone',
      amountFen: tone.productionFeeFen,
    });
  }

  const usage = [...facts.usage].sort((a, b) => a.callType.localeCompare(b.callType));
  let voiceLineUsageFen = 0;
  for (const u of usage) {
    if (u.chargeFen === 0 && u.billedMinutes === 0) continue;
    const product = PRODUCT_OF_CALL_TYPE[u.callType] ?? 'voice';
    // Conference legs are free calls: the conference is billed once, by participant-minute.
    if (product === 'conference') continue;
    if (product === 'voice_line') voiceLineUsageFen += u.chargeFen;
    lines.push({
      kind: 'usage',
      product,
      description: `${u.callType} calls: ${u.calls}`,
      quantity: u.billedMinutes,
      unit: 'minute',
      amountFen: u.chargeFen,
    });
  }

  // Conferences: the initiator's group pays per participant-minute; a package includes minutes
  // and the rest is overage at the standard rate.
  const { participantMinutes, chargeFen: conferenceFen, conferences } = facts.conference;
  if (participantMinutes > 0) {
    if (hasPackage) {
      const included = Math.min(participantMinutes, packageMinutes);
      const over = participantMinutes - included;
      lines.push({
        kind: 'allowance',
        product: 'conference',
        description: `package minutes used: ${included} of ${packageMinutes}`,
        quantity: included,
        unit: 'participant-minute',
        amountFen: 0,
      });
      if (over > 0) {
        lines.push({
          kind: 'overage',
          product: 'conference',
          description: `participant-minutes beyond the package at ${rates.conference.fenPerParticipantMinute} fen`,
          quantity: over,
          unit: 'participant-minute',
          amountFen: over * rates.conference.fenPerParticipantMinute,
        });
      }
    } else {
      lines.push({
        kind: 'usage',
        product: 'conference',
        description: `conference participant-minutes (${conferences} conferences)`,
        quantity: participantMinutes,
        unit: 'participant-minute',
        amountFen: conferenceFen,
      });
    }
  }

  // Voice lines: the monthly minimum spend, prorated by line-days, tops up what usage did not reach.
  if (voiceLines > 0) {
    const minimum = Math.floor(
      (2 * rates.voiceLine.monthlyMinimumFen * voiceLines + daysInMonth) / (2 * daysInMonth),
    );
    const topUp = Math.max(0, minimum - voiceLineUsageFen);
    if (topUp > 0) {
      lines.push({
        kind: 'minimum_topup',
        product: 'voice_line',
        description: `monthly minimum ${minimum} fen, usage ${voiceLineUsageFen} fen`,
        quantity: 1,
        unit: 'month',
        amountFen: topUp,
      });
    }
  }

  return { period: facts.period, lines, totalFen: lines.reduce((sum, line) => sum + line.amountFen, 0) };
}
