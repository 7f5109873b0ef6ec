import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fastSerializerCompiler, nullableInsteadOfAnyOf } from '../../../src/http/fast-serializer.js';
import { RouteAnswer } from '../../../src/routes/route.js';

const text = fc.string({ maxLength: 12 });
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

/** Decisions of every shape the route answers, with the odd unknown field. */
const decision = fc.record(
  {
    decision: fc.constantFrom('connect', 'ivr', 'reject', 'emergency'),
    callType: fc.constantFrom('emergency', 'vpn_short', 'vpn_onnet', 'offnet', 'conference_dialin'),
    from: text,
    to: text,
    target: nullable(
      fc.record({ msisdn: text, memberId: text, groupId: text }, { requiredKeys: ['msisdn'] }),
    ),
    presentedCallerId: text,
    ringback: nullable(
      fc.record({
        policyId: text,
        toneIds: fc.array(text, { maxLength: 3 }),
        playback: fc.constantFrom('single', 'loop'),
      }),
    ),
    tariff: fc.record(
      { class: text, rateFenPerMinute: fc.integer({ min: 0, max: 500 }), rateFenPerMessage: fc.nat(50) },
      { requiredKeys: ['class', 'rateFenPerMinute'] },
    ),
    reason: text,
    explanation: fc.string({ maxLength: 80, unit: 'grapheme' }),
    roaming: fc.boolean(),
    switchboardId: text,
    subgroupId: text,
    recipients: fc.array(fc.record({ msisdn: text, memberId: text }), { maxLength: 3 }),
    internalNote: text,
  },
  {
    requiredKeys: [
      'decision',
      'callType',
      'from',
      'to',
      'target',
      'presentedCallerId',
      'ringback',
      'tariff',
      'reason',
      'explanation',
      'roaming',
    ],
  },
);

describe('the fast serializer of POST /v1/route', () => {
  const serialize = fastSerializerCompiler({ schema: RouteAnswer });

  it('writes what the zod schema would let out, for every shape of decision', () => {
    fc.assert(
      fc.property(decision, (d) => {
        expect(JSON.parse(serialize(d))).toEqual(RouteAnswer.parse(d));
      }),
      { numRuns: 1000 },
    );
  });

  it('compiles the nullable target and ringback to null checks, not anyOf branches', () => {
    const json = JSON.stringify(
      nullableInsteadOfAnyOf(z.toJSONSchema(RouteAnswer, { target: 'draft-7', io: 'output' })),
    );
    expect(json).not.toContain('anyOf');
    expect(json.match(/"nullable":true/g)).toHaveLength(2);
  });

  it('leaves unions it cannot express as one type with null alone', () => {
    const union = { anyOf: [{ type: 'string' }, { type: 'number' }] };
    expect(nullableInsteadOfAnyOf(union)).toEqual(union);
    const refOrNull = { anyOf: [{ $ref: '#/definitions/X' }, { type: 'null' }] };
    expect(nullableInsteadOfAnyOf(refOrNull)).toEqual(refOrNull);
    expect(
      nullableInsteadOfAnyOf({ description: 'd', anyOf: [{ type: 'null' }, { type: 'string' }] }),
    ).toEqual({
      description: 'd',
      type: 'string',
      nullable: true,
    });
  });
});
