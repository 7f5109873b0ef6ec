import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { EMERGENCY_NUMBERS, isShortCodeShaped } from '../../../../src/engines/vpn/numbering-plan.js';
import {
  decideRoute,
  type RingbackChoice,
  type RouteContext,
  type RouteRequest,
  sharedSubgroupRate,
} from '../../../../src/engines/vpn/route.js';
import type {
  MemberEntry,
  MemberStatus,
  RoutingDirectory,
  WritableMemberEntry,
} from '../../../../src/store/routing-directory/index.js';
import {
  addGroup,
  addMember,
  addSubgroup,
  CONFERENCE_ACCESS_NUMBER,
  CONTEXT,
  newDirectory,
  RATES,
  request,
  scenario,
} from './fixtures.js';

const UNKNOWN_MOBILE = '+8613312345678';
const LANDLINE = '+861088886666';

const TONE: RingbackChoice = { policyId: 'p1', toneIds: ['t1', 't2'], playback: 'loop' };

/** A context whose ringback engine answers `TONE` for everybody and records who it was asked about. */
function withRingback(answer: RingbackChoice | null = TONE) {
  const resolveRingback = vi.fn((_callee: MemberEntry, _request: RouteRequest) => answer);
  const context: RouteContext = { tariff: RATES, resolveRingback };
  return { context, resolveRingback };
}

describe('emergency numbers', () => {
  const { directory, members } = scenario();

  it('route as emergency, free, presenting the caller', () => {
    expect(decideRoute(directory, request(members.alice.msisdn, '110'), CONTEXT)).toEqual({
      decision: 'emergency',
      callType: 'emergency',
      from: members.alice.msisdn,
      to: '110',
      target: { msisdn: '110' },
      presentedCallerId: members.alice.msisdn,
      ringback: null,
      tariff: { class: 'emergency', rateFenPerMinute: 0 },
      reason: 'emergency_number',
      explanation: expect.stringContaining('110 is an emergency number'),
      roaming: false,
    });
  });

  it('reach emergency services even from a suspended caller', () => {
    const decision = decideRoute(directory, request(members.carol.msisdn, '119'), CONTEXT);
    expect(decision).toMatchObject({
      decision: 'emergency',
      callType: 'emergency',
      reason: 'emergency_number',
    });
  });

  it('reach emergency services from callers the directory does not know', () => {
    for (const from of [UNKNOWN_MOBILE, LANDLINE]) {
      expect(decideRoute(directory, request(from, '120'), CONTEXT)).toMatchObject({
        decision: 'emergency',
        presentedCallerId: from,
      });
    }
  });

  it('are free by SMS too', () => {
    const decision = decideRoute(
      directory,
      request(members.alice.msisdn, '110', { service: 'sms' }),
      CONTEXT,
    );
    expect(decision.tariff).toEqual({ class: 'emergency', rateFenPerMinute: 0, rateFenPerMessage: 0 });
  });

  it('match exactly: a longer number starting with 110 is not one', () => {
    const decision = decideRoute(directory, request(members.alice.msisdn, '1100'), CONTEXT);
    expect(decision.decision).not.toBe('emergency');
  });
});

describe('a suspended caller', () => {
  const { directory, members } = scenario();

  it('is refused with caller_suspended, naming the kind of call refused', () => {
    const { context, resolveRingback } = withRingback();
    const decision = decideRoute(directory, request(members.carol.msisdn, '6201'), context);
    expect(decision).toMatchObject({
      decision: 'reject',
      callType: 'vpn_short',
      target: null,
      presentedCallerId: members.carol.msisdn,
      ringback: null,
      tariff: { class: 'none', rateFenPerMinute: 0 },
      reason: 'caller_suspended',
    });
    expect(decision.explanation).toContain('is suspended');
    expect(resolveRingback).not.toHaveBeenCalled();
  });

  it('is refused off-net too, and for SMS', () => {
    expect(decideRoute(directory, request(members.carol.msisdn, UNKNOWN_MOBILE), CONTEXT)).toMatchObject({
      decision: 'reject',
      callType: 'offnet',
      reason: 'caller_suspended',
    });
    expect(
      decideRoute(directory, request(members.carol.msisdn, '6202', { service: 'sms' }), CONTEXT),
    ).toMatchObject({
      decision: 'reject',
      reason: 'caller_suspended',
      tariff: { class: 'none', rateFenPerMinute: 0, rateFenPerMessage: 0 },
    });
  });
});

describe('short codes (vpn_short)', () => {
  const { directory, members } = scenario();
  const { alice, bob, dave, erin, frank, grace } = members;

  it('connect to the member holding the code in the caller group', () => {
    const { context, resolveRingback } = withRingback();
    const decision = decideRoute(directory, request(alice.msisdn, '6202'), context);
    expect(decision).toEqual({
      decision: 'connect',
      callType: 'vpn_short',
      from: alice.msisdn,
      to: '6202',
      target: { msisdn: bob.msisdn, memberId: 'bob', groupId: 'acme' },
      presentedCallerId: '6201',
      ringback: TONE,
      tariff: { class: 'onnet', rateFenPerMinute: 2 },
      reason: 'vpn_short_code',
      explanation: expect.stringContaining('short code 6202 in group acme is held by member Bob'),
      roaming: false,
    });
    expect(resolveRingback).toHaveBeenCalledOnce();
    expect(resolveRingback).toHaveBeenCalledWith(bob, request(alice.msisdn, '6202'));
  });

  it('are per group: the same code reaches another member in another group', () => {
    const decision = decideRoute(directory, request(frank.msisdn, '6202'), CONTEXT);
    expect(decision.target).toEqual({ msisdn: grace.msisdn, memberId: 'grace', groupId: 'beta' });
    expect(decideRoute(directory, request(grace.msisdn, '6201'), CONTEXT).target?.memberId).toBe('frank');
  });

  it('present the MSISDN when the VPN hides short codes', () => {
    expect(decideRoute(directory, request(frank.msisdn, '6202'), CONTEXT).presentedCallerId).toBe(
      frank.msisdn,
    );
  });

  it('present the MSISDN when the caller holds no short code', () => {
    const decision = decideRoute(directory, request(dave.msisdn, '6201'), CONTEXT);
    expect(decision).toMatchObject({ callType: 'vpn_short', presentedCallerId: dave.msisdn });
  });

  it('refuse a suspended callee with callee_suspended', () => {
    const { context, resolveRingback } = withRingback();
    expect(decideRoute(directory, request(alice.msisdn, '6203'), context)).toMatchObject({
      decision: 'reject',
      callType: 'vpn_short',
      target: { msisdn: members.carol.msisdn, memberId: 'carol', groupId: 'acme' },
      presentedCallerId: alice.msisdn,
      ringback: null,
      tariff: { class: 'none', rateFenPerMinute: 0 },
      reason: 'callee_suspended',
    });
    expect(resolveRingback).not.toHaveBeenCalled();
  });

  it('rate SMS at the on-net message rate', () => {
    const decision = decideRoute(directory, request(alice.msisdn, '6202', { service: 'sms' }), CONTEXT);
    expect(decision).toMatchObject({
      decision: 'connect',
      callType: 'vpn_short',
      tariff: { class: 'sms_onnet', rateFenPerMinute: 0, rateFenPerMessage: RATES.sms.onnetFenPerMessage },
    });
  });

  it('reject an unheld code in the caller VPN as unallocated_number', () => {
    expect(decideRoute(directory, request(alice.msisdn, '6299'), CONTEXT)).toMatchObject({
      decision: 'reject',
      callType: 'vpn_short',
      target: null,
      reason: 'unallocated_number',
      tariff: { class: 'none', rateFenPerMinute: 0 },
    });
  });

  it('never reach into another group: a code held only elsewhere is unallocated', () => {
    // 6205 is erin's code in acme; beta has no 6205.
    expect(decideRoute(directory, request(frank.msisdn, '6205'), CONTEXT)).toMatchObject({
      decision: 'reject',
      reason: 'unallocated_number',
    });
  });

  it('mean nothing to callers outside any VPN: the digits go off-net as dialled', () => {
    for (const from of [members.heidi.msisdn, UNKNOWN_MOBILE]) {
      expect(decideRoute(directory, request(from, '6201'), CONTEXT)).toMatchObject({
        decision: 'connect',
        callType: 'offnet',
        target: { msisdn: '6201' },
        reason: 'offnet',
      });
    }
  });

  it('win over the conference access number, per the contract order', () => {
    const d = newDirectory();
    addGroup(d, 'g');
    addMember(d, 'g', '+8613800138000', { id: 'a' });
    addMember(d, 'g', '+8613912345678', { id: 'b', shortCode: CONFERENCE_ACCESS_NUMBER });
    expect(decideRoute(d, request('+8613800138000', CONFERENCE_ACCESS_NUMBER), CONTEXT)).toMatchObject({
      callType: 'vpn_short',
      target: { memberId: 'b' },
    });
  });

  it('follow the plan length: a code outside it is not short-code-shaped', () => {
    const d = newDirectory();
    addGroup(d, 'g', { vpn: { shortCodeMin: 5, shortCodeMax: 5 } });
    addMember(d, 'g', '+8613800138000', { id: 'a' });
    expect(decideRoute(d, request('+8613800138000', '6299'), CONTEXT).callType).toBe('offnet');
    expect(decideRoute(d, request('+8613800138000', '62990'), CONTEXT).reason).toBe('unallocated_number');
  });

  it('reach a cross-province member too', () => {
    expect(decideRoute(directory, request(alice.msisdn, '6205'), CONTEXT).target?.memberId).toBe(erin.id);
  });
});

describe('sub-group short codes', () => {
  it('send an SMS to every member of the sub-group but the sender', () => {
    const { directory, members } = scenario();
    const { context, resolveRingback } = withRingback();
    const decision = decideRoute(
      directory,
      request(members.alice.msisdn, '8001', { service: 'sms' }),
      context,
    );
    expect(decision).toEqual({
      decision: 'connect',
      callType: 'vpn_short',
      from: members.alice.msisdn,
      to: '8001',
      target: null,
      presentedCallerId: '6201',
      ringback: null,
      tariff: { class: 'sms_onnet', rateFenPerMinute: 0, rateFenPerMessage: RATES.sms.onnetFenPerMessage },
      reason: 'vpn_subgroup_code',
      explanation: expect.stringContaining('sub-group Sales (sales)'),
      roaming: false,
      subgroupId: 'sales',
      recipients: [
        { msisdn: members.bob.msisdn, memberId: 'bob' },
        { msisdn: members.dave.msisdn, memberId: 'dave' },
      ],
    });
    expect(resolveRingback).not.toHaveBeenCalled();
  });

  it('reach members even when the sender is not in the sub-group', () => {
    const { directory, members } = scenario();
    const decision = decideRoute(
      directory,
      request(members.erin.msisdn, '8002', { service: 'sms' }),
      CONTEXT,
    );
    expect(decision.recipients?.map((r) => r.memberId)).toEqual(['alice', 'bob']);
  });

  it('leave suspended members out of the recipients', () => {
    const { directory, members } = scenario();
    addSubgroup(directory, 'acme', 'night', {
      shortCode: '8009',
      members: [members.alice, members.carol, members.bob],
    });
    const decision = decideRoute(
      directory,
      request(members.alice.msisdn, '8009', { service: 'sms' }),
      CONTEXT,
    );
    expect(decision.recipients).toEqual([{ msisdn: members.bob.msisdn, memberId: 'bob' }]);
  });

  it('cannot be called: voice gets not_callable', () => {
    const { directory, members } = scenario();
    expect(decideRoute(directory, request(members.alice.msisdn, '8001'), CONTEXT)).toMatchObject({
      decision: 'reject',
      callType: 'vpn_short',
      target: null,
      reason: 'not_callable',
      subgroupId: 'sales',
      tariff: { class: 'none', rateFenPerMinute: 0 },
    });
  });
});

describe('on-net long numbers (vpn_onnet)', () => {
  const { directory, members } = scenario();
  const { alice, bob, carol, dave } = members;

  it.each([
    ['national', '13912345678'],
    ['E.164', '+8613912345678'],
    ['international without plus', '8613912345678'],
  ])('connect a member of the caller VPN dialled in %s form', (_form, to) => {
    const { context } = withRingback();
    expect(decideRoute(directory, request(alice.msisdn, to), context)).toEqual({
      decision: 'connect',
      callType: 'vpn_onnet',
      from: alice.msisdn,
      to,
      target: { msisdn: bob.msisdn, memberId: 'bob', groupId: 'acme' },
      presentedCallerId: '6201',
      ringback: TONE,
      tariff: { class: 'onnet', rateFenPerMinute: 2 },
      reason: 'vpn_long_number',
      explanation: expect.stringContaining(`${to} is member Bob of the caller's VPN group acme`),
      roaming: false,
    });
  });

  it('refuse a suspended member with callee_suspended', () => {
    expect(decideRoute(directory, request(alice.msisdn, carol.msisdn), CONTEXT)).toMatchObject({
      decision: 'reject',
      callType: 'vpn_onnet',
      reason: 'callee_suspended',
      target: { memberId: 'carol' },
    });
  });

  it('rate SMS on-net', () => {
    expect(
      decideRoute(directory, request(dave.msisdn, alice.msisdn, { service: 'sms' }), CONTEXT),
    ).toMatchObject({
      callType: 'vpn_onnet',
      presentedCallerId: dave.msisdn,
      tariff: { class: 'sms_onnet', rateFenPerMessage: RATES.sms.onnetFenPerMessage },
    });
  });

  it('are off-net between members of a group without a VPN', () => {
    const d = scenario().directory;
    addMember(d, 'plain', '+8615900005555', { id: 'judith' });
    expect(decideRoute(d, request('+8615900003333', '15900005555'), CONTEXT)).toMatchObject({
      decision: 'connect',
      callType: 'offnet',
      target: { msisdn: '+8615900005555', memberId: 'judith', groupId: 'plain' },
      tariff: { class: 'offnet', rateFenPerMinute: RATES.voice.offnetFenPerMinute },
    });
  });
});

describe('on-net tariff', () => {
  const { directory, members } = scenario();
  const { alice, bob, dave, erin, frank, grace } = members;
  const rate = (from: MemberEntry, to: string) =>
    decideRoute(directory, request(from.msisdn, to), CONTEXT).tariff;

  it('takes the lowest rate among the sub-groups both parties share', () => {
    // alice and bob share sales (2) and board (3).
    expect(rate(alice, '6202')).toEqual({ class: 'onnet', rateFenPerMinute: 2 });
    expect(sharedSubgroupRate(directory, alice, bob)).toBe(2);
  });

  it('ignores shared sub-groups without a rate of their own', () => {
    // alice and dave share sales (2) and lunch (no rate).
    expect(sharedSubgroupRate(directory, alice, dave)).toBe(2);
    // bob and erin share only no-rate.
    expect(sharedSubgroupRate(directory, bob, erin)).toBeNull();
    expect(rate(bob, '6205')).toEqual({ class: 'onnet', rateFenPerMinute: 4 });
  });

  it('falls back to the VPN rate when they share no sub-group', () => {
    expect(sharedSubgroupRate(directory, alice, erin)).toBeNull();
    expect(rate(alice, erin.msisdn)).toEqual({ class: 'onnet', rateFenPerMinute: 4 });
    expect(decideRoute(directory, request(alice.msisdn, '6205'), CONTEXT).explanation).toContain(
      "on-net at the VPN's rate",
    );
  });

  it('falls back to the catalogue when the VPN sets no rate', () => {
    expect(rate(frank, '6202')).toEqual({ class: 'onnet', rateFenPerMinute: RATES.voice.onnetFenPerMinute });
    expect(decideRoute(directory, request(frank.msisdn, '6202'), CONTEXT).explanation).toContain(
      "on-net at the catalogue's rate",
    );
  });

  it('shares nothing across groups', () => {
    expect(sharedSubgroupRate(directory, alice, frank)).toBeNull();
    expect(sharedSubgroupRate(directory, grace, frank)).toBeNull();
  });

  it('reads the tariff from the context', () => {
    const tariff = { ...RATES, voice: { ...RATES.voice, onnetFenPerMinute: 1 } };
    expect(decideRoute(directory, request(frank.msisdn, '6202'), { tariff }).tariff.rateFenPerMinute).toBe(1);
  });
});

describe('switchboard outbound prefix', () => {
  const { directory, members } = scenario();
  const { alice, bob, frank, judy } = members;
  const pilot = '+8631187654321';

  it('calls out from an extension member with the pilot presented', () => {
    const { context, resolveRingback } = withRingback();
    expect(decideRoute(directory, request(alice.msisdn, `9${frank.msisdn.slice(3)}`), context)).toEqual({
      decision: 'connect',
      callType: 'switchboard_outbound',
      from: alice.msisdn,
      to: '913700001111',
      target: { msisdn: frank.msisdn, memberId: 'frank', groupId: 'beta' },
      presentedCallerId: pilot,
      ringback: TONE,
      tariff: {
        class: 'switchboard_outbound',
        rateFenPerMinute: RATES.voice.switchboardOutboundFenPerMinute,
      },
      reason: 'switchboard_outbound_prefix',
      explanation: expect.stringContaining('outbound prefix 9'),
      roaming: false,
      switchboardId: 'sb-acme',
    });
    expect(resolveRingback).toHaveBeenCalledWith(frank, expect.anything());
  });

  it('reaches non-members and landlines as E.164', () => {
    const { context, resolveRingback } = withRingback();
    expect(decideRoute(directory, request(alice.msisdn, '901088886666'), context)).toMatchObject({
      callType: 'switchboard_outbound',
      target: { msisdn: LANDLINE },
      ringback: null,
    });
    expect(resolveRingback).not.toHaveBeenCalled();
  });

  it('refuses a suspended member with callee_suspended', () => {
    expect(decideRoute(directory, request(alice.msisdn, `9${judy.msisdn.slice(3)}`), CONTEXT)).toMatchObject({
      decision: 'reject',
      callType: 'switchboard_outbound',
      reason: 'callee_suspended',
      switchboardId: 'sb-acme',
    });
  });

  it('belongs to extension members only', () => {
    expect(decideRoute(directory, request(bob.msisdn, '913700001111'), CONTEXT)).toMatchObject({
      callType: 'offnet',
      target: { msisdn: '913700001111' },
    });
  });

  it('needs a number after the prefix', () => {
    // 9123 is no number: short-code-shaped in acme and unheld.
    expect(decideRoute(directory, request(alice.msisdn, '9123'), CONTEXT).reason).toBe('unallocated_number');
  });

  it('comes after on-net long numbers', () => {
    expect(decideRoute(directory, request(alice.msisdn, bob.msisdn), CONTEXT).callType).toBe('vpn_onnet');
  });
});

describe('switchboard pilots and the conference access number', () => {
  const { directory, members } = scenario();
  const pilot = '+8631187654321';

  it.each([
    ['a member of another group', members.heidi.msisdn],
    ['an unknown landline', LANDLINE],
    ['a member of the same group', members.bob.msisdn],
  ])('answer calls to the pilot with the IVR, from %s', (_who, from) => {
    const { context, resolveRingback } = withRingback();
    expect(decideRoute(directory, request(from, '031187654321'), context)).toEqual({
      decision: 'ivr',
      callType: 'switchboard_inbound',
      from,
      to: '031187654321',
      target: { msisdn: pilot, groupId: 'acme' },
      presentedCallerId: from,
      ringback: null,
      tariff: { class: 'switchboard_inbound', rateFenPerMinute: RATES.voice.switchboardInboundFenPerMinute },
      reason: 'switchboard_pilot',
      explanation: expect.stringContaining('pilot number of switchboard sb-acme'),
      roaming: false,
      switchboardId: 'sb-acme',
    });
    expect(resolveRingback).not.toHaveBeenCalled();
  });

  it('answer the conference access number with the bridge prompt, free for the participant', () => {
    for (const from of [members.alice.msisdn, members.heidi.msisdn, UNKNOWN_MOBILE]) {
      expect(decideRoute(directory, request(from, CONFERENCE_ACCESS_NUMBER), CONTEXT)).toEqual({
        decision: 'ivr',
        callType: 'conference_dialin',
        from,
        to: CONFERENCE_ACCESS_NUMBER,
        target: { msisdn: CONFERENCE_ACCESS_NUMBER },
        presentedCallerId: from,
        ringback: null,
        tariff: { class: 'conference', rateFenPerMinute: 0 },
        reason: 'conference_access_number',
        explanation: expect.stringContaining('conference access number'),
        roaming: false,
      });
    }
  });

  it('do not exist when the directory has no conference bridge', () => {
    const d = newDirectory(null);
    addGroup(d, 'g');
    addMember(d, 'g', '+8613800138000');
    expect(decideRoute(d, request('+8613800138000', CONFERENCE_ACCESS_NUMBER), CONTEXT).reason).toBe(
      'unallocated_number',
    );
  });
});

describe('off-net', () => {
  const { directory, members } = scenario();
  const { alice, frank, judy, heidi, ivan } = members;

  it('connects a member of another group with its identity and ringback', () => {
    const { context } = withRingback();
    expect(decideRoute(directory, request(alice.msisdn, frank.msisdn), context)).toEqual({
      decision: 'connect',
      callType: 'offnet',
      from: alice.msisdn,
      to: frank.msisdn,
      target: { msisdn: frank.msisdn, memberId: 'frank', groupId: 'beta' },
      presentedCallerId: alice.msisdn,
      ringback: TONE,
      tariff: { class: 'offnet', rateFenPerMinute: RATES.voice.offnetFenPerMinute },
      reason: 'offnet',
      explanation: expect.stringContaining('outside the caller'),
      roaming: false,
    });
  });

  it('connects a non-member in E.164 without ringback', () => {
    const { context, resolveRingback } = withRingback();
    expect(decideRoute(directory, request(alice.msisdn, '13312345678'), context)).toMatchObject({
      callType: 'offnet',
      target: { msisdn: UNKNOWN_MOBILE },
      ringback: null,
    });
    expect(resolveRingback).not.toHaveBeenCalled();
  });

  it('routes service codes as dialled', () => {
    expect(decideRoute(directory, request(alice.msisdn, '*100'), CONTEXT).target).toEqual({ msisdn: '*100' });
    expect(decideRoute(directory, request(heidi.msisdn, '10086'), CONTEXT).target).toEqual({
      msisdn: '10086',
    });
  });

  it('refuses a suspended member of another group with callee_suspended', () => {
    expect(decideRoute(directory, request(alice.msisdn, judy.msisdn), CONTEXT)).toMatchObject({
      decision: 'reject',
      callType: 'offnet',
      reason: 'callee_suspended',
      target: { memberId: 'judy', groupId: 'beta' },
    });
    expect(decideRoute(directory, request(UNKNOWN_MOBILE, ivan.msisdn), CONTEXT).reason).toBe(
      'callee_suspended',
    );
  });

  it('rates SMS at the off-net message rate', () => {
    expect(
      decideRoute(directory, request(alice.msisdn, frank.msisdn, { service: 'sms' }), CONTEXT).tariff,
    ).toEqual({
      class: 'sms_offnet',
      rateFenPerMinute: 0,
      rateFenPerMessage: RATES.sms.offnetFenPerMessage,
    });
  });

  it('comes from unknown callers too', () => {
    expect(decideRoute(directory, request(LANDLINE, alice.msisdn), CONTEXT)).toMatchObject({
      decision: 'connect',
      callType: 'offnet',
      target: { memberId: 'alice' },
      presentedCallerId: LANDLINE,
    });
  });
});

describe('roaming', () => {
  const { directory, members } = scenario();
  const { alice, erin } = members;

  it('is flagged when the caller is outside its home province, and keeps the on-net rate', () => {
    const decision = decideRoute(
      directory,
      request(alice.msisdn, '6202', { location: { province: 'CN-BJ' } }),
      CONTEXT,
    );
    expect(decision).toMatchObject({
      callType: 'vpn_short',
      roaming: true,
      tariff: { class: 'onnet', rateFenPerMinute: 2 },
    });
    expect(decision.explanation).toContain('roaming in CN-BJ');
  });

  it('is not flagged at home, without a province, or for unknown callers', () => {
    const at = (from: string, location: RouteRequest['location']) =>
      decideRoute(directory, request(from, '6202', { location }), CONTEXT).roaming;
    expect(at(alice.msisdn, { province: 'CN-HE' })).toBe(false);
    expect(at(alice.msisdn, { cellId: '460-00-1234-5678' })).toBe(false);
    expect(at(alice.msisdn, undefined)).toBe(false);
    expect(at(UNKNOWN_MOBILE, { province: 'CN-BJ' })).toBe(false);
  });

  it("is read against the member's own home province, not the group's", () => {
    const at = (province: string) =>
      decideRoute(directory, request(erin.msisdn, '6201', { location: { province } }), CONTEXT).roaming;
    expect(at('CN-BJ')).toBe(false);
    expect(at('CN-HE')).toBe(true);
  });

  it('is reported on off-net and emergency calls too', () => {
    const location = { province: 'CN-GD' };
    const offnet = decideRoute(directory, request(alice.msisdn, UNKNOWN_MOBILE, { location }), CONTEXT);
    expect(offnet).toMatchObject({ callType: 'offnet', roaming: true });
    expect(offnet.explanation).toContain('roaming in CN-GD');
    expect(decideRoute(directory, request(alice.msisdn, '110', { location }), CONTEXT).roaming).toBe(true);
  });
});

describe('ringback', () => {
  const { directory, members } = scenario();

  it('is null without a ringback engine', () => {
    expect(decideRoute(directory, request(members.alice.msisdn, '6202'), CONTEXT).ringback).toBeNull();
  });

  it('is null when the engine has no policy for the callee', () => {
    const { context, resolveRingback } = withRingback(null);
    expect(decideRoute(directory, request(members.alice.msisdn, '6202'), context).ringback).toBeNull();
    expect(resolveRingback).toHaveBeenCalledOnce();
  });

  it('is asked only about connected members', () => {
    const { context, resolveRingback } = withRingback();
    for (const to of [
      '110',
      '6203',
      '6299',
      '8001',
      CONFERENCE_ACCESS_NUMBER,
      '031187654321',
      UNKNOWN_MOBILE,
    ]) {
      decideRoute(directory, request(members.alice.msisdn, to), context);
    }
    expect(resolveRingback).not.toHaveBeenCalled();
  });
});

describe('decision objects', () => {
  const { directory, members } = scenario();
  const { alice, bob, erin } = members;

  it('share one frozen tariff per class and rate', () => {
    const first = decideRoute(directory, request(alice.msisdn, '6202'), CONTEXT);
    const second = decideRoute(directory, request(bob.msisdn, '6201'), CONTEXT);
    expect(second.tariff).toBe(first.tariff);
    expect(Object.isFrozen(first.tariff)).toBe(true);
    // Another rate (erin shares no rated sub-group with alice) is another object.
    const other = decideRoute(directory, request(alice.msisdn, '6205'), CONTEXT);
    expect(other.tariff).toEqual({ class: 'onnet', rateFenPerMinute: 4 });
    expect(decideRoute(directory, request(alice.msisdn, '6202'), CONTEXT).tariff).toBe(first.tariff);
    expect(Object.isFrozen(decideRoute(directory, request(alice.msisdn, '112'), CONTEXT).target)).toBe(true);
  });

  it('read the rates afresh on every call, even from a tariff edited in place', () => {
    const rates = structuredClone(RATES);
    const context: RouteContext = { tariff: rates };
    const to = erin.msisdn.replace('+86', '');
    expect(decideRoute(directory, request(members.heidi.msisdn, to), context).tariff.rateFenPerMinute).toBe(
      rates.voice.offnetFenPerMinute,
    );
    rates.voice.offnetFenPerMinute += 7;
    expect(decideRoute(directory, request(members.heidi.msisdn, to), context).tariff).toEqual({
      class: 'offnet',
      rateFenPerMinute: RATES.voice.offnetFenPerMinute + 7,
    });
  });

  it('serialise with the explanation as a plain string', () => {
    const decision = decideRoute(directory, request(alice.msisdn, '6202'), CONTEXT);
    expect(Object.getOwnPropertyDescriptor(decision, 'explanation')?.value).toBeTypeOf('string');
    const json = JSON.parse(JSON.stringify(decision));
    expect(json.explanation).toBe(decision.explanation);
    expect(json).toEqual(decision);
  });

  it('look a national or plus-less number up only when it can be a member', () => {
    // A trailing space is no member's number, in any form.
    expect(
      decideRoute(directory, request(alice.msisdn, `${bob.msisdn.slice(3, 13)} `), CONTEXT),
    ).toMatchObject({
      callType: 'offnet',
      target: { msisdn: `${bob.msisdn.slice(3, 13)} ` },
    });
    expect(decideRoute(directory, request(alice.msisdn, bob.msisdn.slice(1)), CONTEXT)).toMatchObject({
      callType: 'vpn_onnet',
      target: { memberId: 'bob' },
    });
  });
});

// ---- Properties over generated directories ----

const CODE_POOL = ['200', '201', '6201', '6202', '8001', '95123', '999999'];

interface MemberSpec {
  code: string | null;
  status: MemberStatus;
  province: string;
}
interface GroupSpec {
  vpn: boolean;
  showShortCode: boolean;
  rate: number | null;
  members: MemberSpec[];
  subgroups: { code: string | null; rate: number | null; members: number[] }[];
}

const memberSpec = fc.record({
  code: fc.option(fc.constantFrom(...CODE_POOL), { nil: null }),
  status: fc.constantFrom<MemberStatus>('active', 'active', 'active', 'suspended'),
  province: fc.constantFrom('CN-HE', 'CN-BJ'),
});
const groupSpec: fc.Arbitrary<GroupSpec> = fc.record({
  vpn: fc.boolean(),
  showShortCode: fc.boolean(),
  rate: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }),
  members: fc.array(memberSpec, { minLength: 1, maxLength: 6 }),
  subgroups: fc.array(
    fc.record({
      code: fc.option(fc.constantFrom(...CODE_POOL), { nil: null }),
      rate: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }),
      members: fc.uniqueArray(fc.nat(5), { maxLength: 6 }),
    }),
    { maxLength: 3 },
  ),
});
const directorySpec = fc.array(groupSpec, { minLength: 1, maxLength: 4 });

/** Builds a directory from a spec; short codes already taken in a group are left unassigned. */
function buildDirectory(spec: GroupSpec[]): { directory: RoutingDirectory; members: MemberEntry[] } {
  const directory = newDirectory();
  const members: MemberEntry[] = [];
  spec.forEach((g, gi) => {
    const group = addGroup(directory, `g${gi}`, {
      vpn: g.vpn ? { showShortCode: g.showShortCode, onnetRateFenPerMinute: g.rate } : null,
    });
    const own: WritableMemberEntry[] = [];
    g.members.forEach((m, mi) => {
      const code = g.vpn && m.code !== null && !group.shortCodes.has(m.code) ? m.code : null;
      const member = addMember(directory, group.id, `+86138${gi}${String(mi).padStart(7, '0')}`, {
        id: `g${gi}-m${mi}`,
        shortCode: code,
        status: m.status,
        homeProvince: m.province,
      });
      own.push(member);
      members.push(member);
    });
    g.subgroups.forEach((s, si) => {
      const code = g.vpn && s.code !== null && !group.shortCodes.has(s.code) ? s.code : null;
      const picked = s.members.map((i) => own[i]).filter((m): m is WritableMemberEntry => m !== undefined);
      addSubgroup(directory, group.id, `g${gi}-s${si}`, { shortCode: code, rate: s.rate, members: picked });
    });
  });
  return { directory, members };
}

/**
 * The directory as plain data, its references between entries written as ids: entries point at
 * each other (member ↔ group, member ↔ sub-group), and deep equality over that graph explodes.
 */
function plain(directory: RoutingDirectory) {
  return {
    members: [...directory.membersById.values()].map(({ group, subgroups, switchboards, ...member }) => ({
      ...member,
      group: group.id,
      subgroups: subgroups.map((s) => s.id),
      switchboards: switchboards?.map((s) => s.id) ?? null,
    })),
    byMsisdn: [...directory.membersByMsisdn].map(([msisdn, member]) => [msisdn, member.id]),
    groups: [...directory.groups.values()].map((group) => ({
      ...group,
      shortCodes: [...group.shortCodes].map(([code, holder]) => [code, holder.kind, holder.id]),
      subgroups: [...group.subgroups.values()].map(({ members, activeMembers, ...subgroup }) => ({
        ...subgroup,
        members: members.map((m) => m.id),
        activeMembers: activeMembers.map((m) => m.id),
      })),
    })),
    switchboards: [...directory.switchboardsById.values()],
    byPilot: [...directory.switchboardsByPilot].map(([pilot, s]) => [pilot, s.id]),
    byExtension: [...directory.switchboardsByExtensionMember].map(([id, list]) => [
      id,
      list.map((s) => s.id),
    ]),
    conferenceAccessNumber: directory.conferenceAccessNumber,
  };
}

/** A caller: a member (by index, wrapped) or a number the directory does not know. */
const callerPick = fc.oneof(fc.nat(), fc.constantFrom(UNKNOWN_MOBILE, LANDLINE));
const service = fc.constantFrom<'voice' | 'sms'>('voice', 'sms');
const location = fc.option(fc.record({ province: fc.constantFrom('CN-HE', 'CN-BJ', 'CN-GD') }), {
  nil: undefined,
});

function callerOf(members: MemberEntry[], pick: number | string): string {
  return typeof pick === 'string' ? pick : members[pick % members.length]!.msisdn;
}

describe('routing properties', () => {
  it('a short code never resolves to a member outside the caller group', () => {
    fc.assert(
      fc.property(
        directorySpec,
        callerPick,
        fc.constantFrom(...CODE_POOL),
        service,
        (spec, pick, to, svc) => {
          const { directory, members } = buildDirectory(spec);
          const from = callerOf(members, pick);
          const decision = decideRoute(directory, request(from, to, { service: svc }), CONTEXT);
          const caller = directory.membersByMsisdn.get(from);
          const reached = [
            ...(decision.target?.memberId === undefined ? [] : [decision.target.memberId]),
            ...(decision.recipients ?? []).map((r) => r.memberId),
          ];
          for (const memberId of reached) {
            expect(caller).toBeDefined();
            expect(directory.membersById.get(memberId)?.groupId).toBe(caller?.groupId);
          }
          if (caller === undefined || directory.groups.get(caller.groupId)?.vpn === null) {
            expect(decision.callType).not.toBe('vpn_short');
          }
        },
      ),
    );
  });

  it('emergency numbers always route as emergency, whoever calls', () => {
    fc.assert(
      fc.property(
        directorySpec,
        callerPick,
        fc.constantFrom(...EMERGENCY_NUMBERS),
        service,
        location,
        (spec, pick, to, svc, loc) => {
          const { directory, members } = buildDirectory(spec);
          const from = callerOf(members, pick);
          const decision = decideRoute(
            directory,
            request(from, to, { service: svc, location: loc }),
            CONTEXT,
          );
          expect(decision).toMatchObject({
            decision: 'emergency',
            callType: 'emergency',
            presentedCallerId: from,
            reason: 'emergency_number',
            tariff: { class: 'emergency', rateFenPerMinute: 0 },
          });
        },
      ),
    );
  });

  it('every assigned code resolves to exactly its holder for every active member of the group', () => {
    fc.assert(
      fc.property(directorySpec, service, (spec, svc) => {
        const { directory, members } = buildDirectory(spec);
        for (const caller of members) {
          if (caller.status === 'suspended') continue;
          const group = directory.groups.get(caller.groupId)!;
          if (group.vpn === null) continue;
          for (const [code, holder] of group.shortCodes) {
            const decision = decideRoute(directory, request(caller.msisdn, code, { service: svc }), CONTEXT);
            expect(decision.callType).toBe('vpn_short');
            if (holder.kind === 'member') {
              const callee = holder;
              expect(directory.membersById.get(callee.id)).toBe(callee);
              expect(decision.target).toEqual({
                msisdn: callee.msisdn,
                memberId: callee.id,
                groupId: group.id,
              });
              expect(decision.decision).toBe(callee.status === 'suspended' ? 'reject' : 'connect');
            } else {
              expect(decision.subgroupId).toBe(holder.id);
              expect(decision.target).toBeNull();
              if (svc === 'voice') {
                expect(decision.reason).toBe('not_callable');
              } else {
                const expected = [...holder.memberIds].filter(
                  (id) => id !== caller.id && directory.membersById.get(id)!.status === 'active',
                );
                expect(decision.recipients?.map((r) => r.memberId)).toEqual(expected);
              }
            }
          }
        }
      }),
    );
  });

  it('routes a number alike in E.164, national and plus-less international form', () => {
    fc.assert(
      fc.property(directorySpec, callerPick, fc.nat(), service, (spec, pick, calleeIndex, svc) => {
        const { directory, members } = buildDirectory(spec);
        const from = callerOf(members, pick);
        const msisdn = members[calleeIndex % members.length]!.msisdn;
        const forms = [msisdn, msisdn.slice(3), msisdn.slice(1)];
        const [e164, ...others] = forms.map((to) => {
          const {
            to: _dialled,
            explanation: _explanation,
            ...rest
          } = decideRoute(directory, request(from, to, { service: svc }), CONTEXT);
          return rest;
        });
        for (const other of others) expect(other).toEqual(e164);
      }),
    );
  });

  it('is a pure function: the same input gives deep-equal answers and the directory is untouched', () => {
    const dialled = (members: MemberEntry[]) =>
      fc.oneof(
        fc.constantFrom(...CODE_POOL, ...EMERGENCY_NUMBERS, CONFERENCE_ACCESS_NUMBER, '6299', '*100'),
        fc.nat().map((i) => members[i % members.length]!.msisdn),
        fc.nat().map((i) => members[i % members.length]!.msisdn.slice(3)),
        fc.stringMatching(/^[+*#]?[0-9]{1,14}$/),
      );
    fc.assert(
      fc.property(
        directorySpec.chain((spec) => {
          const built = buildDirectory(spec);
          return fc.tuple(fc.constant(built), callerPick, dialled(built.members), service, location);
        }),
        ([{ directory, members }, pick, to, svc, loc]) => {
          const before = structuredClone(plain(directory));
          const req = request(callerOf(members, pick), to, { service: svc, location: loc });
          const { context } = withRingback();
          const first = decideRoute(directory, req, context);
          const second = decideRoute(directory, structuredClone(req), context);
          expect(second).toEqual(first);
          expect(plain(directory)).toEqual(before);
          expect(first.explanation.length).toBeGreaterThan(0);
          if (first.callType === 'vpn_short' && first.decision !== 'reject') {
            const caller = directory.membersByMsisdn.get(req.from)!;
            expect(isShortCodeShaped(to, directory.groups.get(caller.groupId)!.vpn!)).toBe(true);
          }
        },
      ),
    );
  });
});
