import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BillFacts, computeBill, prorate } from '../../../../src/engines/rating/bill.js';
import { SAMPLE_TARIFF } from '../../../../src/engines/rating/sample-tariff.js';

const rates = SAMPLE_TARIFF.rates;
const base: BillFacts = {
  period: '2026-11',
  daysInMonth: 30,
  rates,
  subscriptions: [],
  usage: [],
  conference: { conferences: 0, participantMinutes: 0, chargeFen: 0 },
  tones: [],
};

describe('prorate', () => {
  it('whole months pay the fee; part months pay by day, rounded half up', () => {
    expect(prorate(20_000, 30, 30)).toBe(20_000);
    expect(prorate(20_000, 15, 30)).toBe(10_000);
    expect(prorate(100, 1, 30)).toBe(3); // 3.33
    expect(prorate(45, 1, 30)).toBe(2); // 1.5 → 2
    expect(prorate(500, 0, 31)).toBe(0);
  });

  it('property: between 0 and the fee, monotone in days, within half a fen of the exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 28, max: 31 }),
        fc.integer({ min: 0, max: 31 }),
        (fee, daysInMonth, d) => {
          const days = Math.min(d, daysInMonth);
          const share = prorate(fee, days, daysInMonth);
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(fee);
          expect(Math.abs(share - (fee * days) / daysInMonth)).toBeLessThanOrEqual(0.5);
          if (days > 0) expect(prorate(fee, days - 1, daysInMonth)).toBeLessThanOrEqual(share);
        },
      ),
    );
  });
});

describe('computeBill', () => {
  it('a month with every kind of line', () => {
    const bill = computeBill({
      ...base,
      subscriptions: [
        { product: 'switchboard', packageId: null, quantity: 1, activeDays: 30 },
        { product: 'ringback', packageId: null, quantity: 20, activeDays: 15 },
        { product: 'conference', packageId: 'conf-300', quantity: 1, activeDays: 30 },
        { product: 'voice_line', packageId: null, quantity: 1, activeDays: 30 },
      ],
      usage: [
        { callType: 'vpn_short', calls: 3, billedMinutes: 7, chargeFen: 35 },
        { callType: 'offnet', calls: 1, billedMinutes: 2, chargeFen: 30 },
        { callType: 'conference_dialout', calls: 4, billedMinutes: 0, chargeFen: 0 },
      ],
      conference: { conferences: 2, participantMinutes: 320, chargeFen: 3_200 },
      tones: [{ title: '欢迎致电', productionFeeFen: 10_000 }],
    });
    expect(bill.lines.map((l) => [l.kind, l.product, l.quantity, l.amountFen])).toEqual([
      ['recurring', 'switchboard', 1, 20_000],
      ['recurring', 'ringback', 20, 5_000],
      ['recurring', 'conference', 1, 2_000],
      ['one_off', 'ringback', 1, 10_000],
      ['usage', 'voice', 2, 30],
      ['usage', 'vpn', 7, 35],
      ['allowance', 'conference', 300, 0],
      ['overage', 'conference', 20, 200],
      ['minimum_topup', 'voice_line', 1, 100_000],
    ]);
    expect(bill.totalFen).toBe(20_000 + 5_000 + 2_000 + 10_000 + 30 + 35 + 200 + 100_000);
  });

  it('without a package, conference minutes are usage at their rated charge', () => {
    const bill = computeBill({
      ...base,
      conference: { conferences: 1, participantMinutes: 12, chargeFen: 120 },
    });
    expect(bill.lines).toEqual([
      expect.objectContaining({ kind: 'usage', product: 'conference', quantity: 12, amountFen: 120 }),
    ]);
  });

  const facts: fc.Arbitrary<BillFacts> = fc.record({
    period: fc.constant('2026-02'),
    daysInMonth: fc.constant(28),
    rates: fc.constant(rates),
    subscriptions: fc.array(
      fc.record({
        product: fc.constantFrom(
          'vpn',
          'switchboard',
          'ringback',
          'conference',
          'voice_line',
        ) as fc.Arbitrary<'vpn' | 'switchboard' | 'ringback' | 'conference' | 'voice_line'>,
        packageId: fc.constantFrom(null, 'conf-300', 'conf-1000'),
        quantity: fc.integer({ min: 1, max: 500 }),
        activeDays: fc.integer({ min: 1, max: 28 }),
      }),
      { maxLength: 6 },
    ),
    usage: fc.uniqueArray(
      fc.record({
        callType: fc.constantFrom(
          'vpn_short',
          'vpn_onnet',
          'offnet',
          'switchboard_inbound',
          'switchboard_outbound',
        ),
        calls: fc.integer({ min: 1, max: 1_000 }),
        billedMinutes: fc.integer({ min: 0, max: 10_000 }),
        chargeFen: fc.integer({ min: 0, max: 1_000_000 }),
      }),
      { selector: (u) => u.callType },
    ),
    conference: fc.record({
      conferences: fc.integer({ min: 0, max: 50 }),
      participantMinutes: fc.integer({ min: 0, max: 5_000 }),
      chargeFen: fc.integer({ min: 0, max: 50_000 }),
    }),
    tones: fc.array(
      fc.record({ title: fc.string(), productionFeeFen: fc.integer({ min: 0, max: 50_000 }) }),
      {
        maxLength: 3,
      },
    ),
  });

  it('property: the total is the sum of the lines, amounts are integer fen, the same facts give the same bill', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const bill = computeBill(f);
        expect(bill.totalFen).toBe(bill.lines.reduce((s, l) => s + l.amountFen, 0));
        for (const line of bill.lines) {
          expect(Number.isInteger(line.amountFen)).toBe(true);
          expect(line.amountFen).toBeGreaterThanOrEqual(0);
        }
        const shuffled = {
          ...f,
          subscriptions: [...f.subscriptions].reverse(),
          usage: [...f.usage].reverse(),
        };
        expect(computeBill(shuffled)).toEqual(bill);
      }),
    );
  });

  it('property: package allowance plus overage always equals the participant-minutes', () => {
    fc.assert(
      fc.property(facts, (f) => {
        const bill = computeBill(f);
        const conference = bill.lines.filter((l) => l.product === 'conference' && l.kind !== 'recurring');
        const minutes = conference.reduce((s, l) => s + l.quantity, 0);
        expect(minutes).toBe(f.conference.participantMinutes);
      }),
    );
  });
});
