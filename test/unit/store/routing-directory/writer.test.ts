import { describe, expect, it } from 'vitest';
import { decideRoute } from '../../../../src/engines/vpn/route.js';
import type { VpnSettings } from '../../../../src/store/routing-directory/index.js';
import { createDirectoryWriter, type MemberFacts } from '../../../../src/store/routing-directory/index.js';
import { CONTEXT, request } from '../../engines/vpn/fixtures.js';

/**
 * The routing hot path follows direct references (member → group, member ↔ sub-groups, short
 * code → holder, member → switchboards) and each sub-group's ready fan-out list: every
 * writer method must keep them current, so the next decision agrees with a directory built afresh.
 */

const VPN: VpnSettings = {
  shortCodeMin: 3,
  shortCodeMax: 6,
  crossProvince: false,
  showShortCode: true,
  onnetRateFenPerMinute: 5,
};
const ALICE = '+8613800138000';
const BOB = '+8613912345678';
const CAROL = '+8615011112222';

function member(id: string, msisdn: string, shortCode: string | null, more: Partial<MemberFacts> = {}) {
  return {
    id,
    groupId: 'acme',
    msisdn,
    name: id,
    department: null,
    homeProvince: 'CN-HE',
    status: 'active',
    shortCode,
    ...more,
  } satisfies MemberFacts;
}

/** acme: alice 6201, bob 6202, carol 6203; sub-group sales (8001, 2 fen) holding all three. */
function setUp() {
  const writer = createDirectoryWriter(null);
  writer.putGroup({ id: 'acme', province: 'CN-HE', timezone: 'Asia/Shanghai' });
  writer.setVpn('acme', VPN);
  writer.putMember(member('alice', ALICE, '6201'));
  writer.putMember(member('bob', BOB, '6202'));
  writer.putMember(member('carol', CAROL, '6203'));
  writer.putSubgroup({
    id: 'sales',
    groupId: 'acme',
    name: 'Sales',
    shortCode: '8001',
    onnetRateFenPerMinute: 2,
  });
  for (const id of ['alice', 'bob', 'carol']) writer.joinSubgroup('sales', id);
  const decide = (from: string, to: string, service: 'voice' | 'sms' = 'voice') =>
    decideRoute(writer.directory, request(from, to, { service }), CONTEXT);
  return { writer, decide };
}

const recipientsOf = (decision: ReturnType<ReturnType<typeof setUp>['decide']>) =>
  decision.recipients?.map((r) => `${r.memberId} ${r.msisdn}`);

describe('directory writer: write-through of the hot path references', () => {
  it('new VPN settings of the group apply to its members’ next route', () => {
    const { writer, decide } = setUp();
    writer.leaveSubgroup('sales', 'bob');
    expect(decide(ALICE, '6202')).toMatchObject({
      presentedCallerId: '6201',
      tariff: { rateFenPerMinute: 5 },
    });
    writer.setVpn('acme', { ...VPN, showShortCode: false, onnetRateFenPerMinute: 7, shortCodeMax: 3 });
    // Four digits no longer fit the plan: 6202 is not a short code any more.
    expect(decide(ALICE, '6202')).toMatchObject({ callType: 'offnet', reason: 'offnet' });
    writer.setVpn('acme', { ...VPN, showShortCode: false, onnetRateFenPerMinute: 7 });
    expect(decide(ALICE, '6202')).toMatchObject({
      presentedCallerId: ALICE,
      tariff: { rateFenPerMinute: 7 },
    });
    writer.setVpn('acme', null);
    expect(decide(ALICE, '6202')).toMatchObject({ callType: 'offnet' });
    expect(decide(ALICE, BOB)).toMatchObject({ callType: 'offnet', target: { memberId: 'bob' } });
  });

  it('a deleted sub-group: its rate and its code are gone for its former members', () => {
    const { writer, decide } = setUp();
    expect(decide(ALICE, '6202').tariff.rateFenPerMinute).toBe(2);
    writer.removeSubgroup('acme', 'sales');
    expect(decide(ALICE, '6202').tariff.rateFenPerMinute).toBe(5);
    expect(decide(ALICE, BOB).tariff.rateFenPerMinute).toBe(5);
    expect(decide(ALICE, '8001', 'sms')).toMatchObject({ decision: 'reject', reason: 'unallocated_number' });
    expect(writer.directory.membersById.get('alice')?.subgroups).toEqual([]);
  });

  it('a changed sub-group rate applies, and leaving or joining changes rate and fan-out', () => {
    const { writer, decide } = setUp();
    writer.putSubgroup({
      id: 'sales',
      groupId: 'acme',
      name: 'Sales',
      shortCode: '8001',
      onnetRateFenPerMinute: 1,
    });
    expect(decide(ALICE, '6202').tariff.rateFenPerMinute).toBe(1);
    writer.leaveSubgroup('sales', 'bob');
    expect(decide(ALICE, '6202').tariff.rateFenPerMinute).toBe(5);
    expect(recipientsOf(decide(ALICE, '8001', 'sms'))).toEqual([`carol ${CAROL}`]);
    writer.joinSubgroup('sales', 'bob');
    expect(decide(ALICE, '6202').tariff.rateFenPerMinute).toBe(1);
    // Joining again puts bob last: the fan-out keeps joining order.
    expect(recipientsOf(decide(ALICE, '8001', 'sms'))).toEqual([`carol ${CAROL}`, `bob ${BOB}`]);
  });

  it('the fan-out follows a member’s status and number, and a deleted member', () => {
    const { writer, decide } = setUp();
    expect(recipientsOf(decide(ALICE, '8001', 'sms'))).toEqual([`bob ${BOB}`, `carol ${CAROL}`]);
    writer.putMember(member('bob', BOB, '6202', { status: 'suspended' }));
    expect(recipientsOf(decide(ALICE, '8001', 'sms'))).toEqual([`carol ${CAROL}`]);
    const moved = '+8613700009999';
    writer.putMember(member('bob', moved, '6202'));
    expect(recipientsOf(decide(ALICE, '8001', 'sms'))).toEqual([`bob ${moved}`, `carol ${CAROL}`]);
    expect(recipientsOf(decide(CAROL, '8001', 'sms'))).toEqual([`alice ${ALICE}`, `bob ${moved}`]);
    writer.removeMember('bob');
    expect(recipientsOf(decide(ALICE, '8001', 'sms'))).toEqual([`carol ${CAROL}`]);
    expect(decide(ALICE, '6202').reason).toBe('unallocated_number');
    expect(
      writer.directory.groups
        .get('acme')
        ?.subgroups.get('sales')
        ?.members.map((m) => m.id),
    ).toEqual(['alice', 'carol']);
  });

  it('an updated member stays the holder of its short code, under its new name and code', () => {
    const { writer, decide } = setUp();
    writer.putMember(member('bob', BOB, '6212', { name: 'Robert' }));
    expect(decide(ALICE, '6202').reason).toBe('unallocated_number');
    const decided = decide(ALICE, '6212');
    expect(decided).toMatchObject({ decision: 'connect', target: { memberId: 'bob' } });
    expect(decided.explanation).toContain('Robert');
    expect(writer.directory.groups.get('acme')?.shortCodes.get('6212')).toBe(
      writer.directory.membersById.get('bob'),
    );
  });

  it('extensions: the member’s outbound switchboards follow extension and switchboard changes', () => {
    const { writer, decide } = setUp();
    writer.putSwitchboard({
      id: 'sb',
      groupId: 'acme',
      pilotNumber: '+8631187654321',
      greeting: 'Welcome',
      afterHoursGreeting: null,
      businessHours: null,
      menu: { prompt: 'Dial an extension', options: {} },
      outboundPrefix: '9',
      fallback: 'operator',
    });
    const outside = '913700001111';
    expect(decide(ALICE, outside).callType).not.toBe('switchboard_outbound');
    writer.putExtension('sb', '801', 'alice');
    expect(decide(ALICE, outside)).toMatchObject({ callType: 'switchboard_outbound', switchboardId: 'sb' });
    // The extension passes to bob: alice dials out no more.
    writer.putExtension('sb', '801', 'bob');
    expect(decide(ALICE, outside).callType).not.toBe('switchboard_outbound');
    expect(decide(BOB, outside).callType).toBe('switchboard_outbound');
    writer.removeExtension('sb', '801');
    expect(decide(BOB, outside).callType).not.toBe('switchboard_outbound');
    writer.putExtension('sb', '802', 'carol');
    writer.removeSwitchboard('sb');
    expect(decide(CAROL, outside).callType).not.toBe('switchboard_outbound');
    expect(writer.directory.membersById.get('carol')?.switchboards).toBeNull();
    expect(writer.directory.switchboardsByExtensionMember.size).toBe(0);
  });

  it('a loaded snapshot gives the same references and fan-out as the writes one by one', () => {
    const { writer } = setUp();
    writer.putMember(member('bob', BOB, '6202', { status: 'suspended' }));
    const loaded = createDirectoryWriter(null);
    loaded.load({
      groups: [{ id: 'acme', province: 'CN-HE', timezone: 'Asia/Shanghai' }],
      vpns: [{ groupId: 'acme', ...VPN }],
      members: [
        member('alice', ALICE, '6201'),
        member('bob', BOB, '6202', { status: 'suspended' }),
        member('carol', CAROL, '6203'),
      ],
      subgroups: [
        { id: 'sales', groupId: 'acme', name: 'Sales', shortCode: '8001', onnetRateFenPerMinute: 2 },
      ],
      subgroupMembers: ['alice', 'bob', 'carol'].map((memberId) => ({ subgroupId: 'sales', memberId })),
    });
    const one = writer.directory.groups.get('acme')!.subgroups.get('sales')!;
    const other = loaded.directory.groups.get('acme')!.subgroups.get('sales')!;
    expect(other.recipients).toEqual(one.recipients);
    expect(other.activeMembers.map((m) => m.id)).toEqual(['alice', 'carol']);
    for (const id of ['alice', 'bob', 'carol']) {
      const entry = loaded.directory.membersById.get(id)!;
      expect(entry.group).toBe(loaded.directory.groups.get('acme'));
      expect(entry.subgroups).toEqual([other]);
    }
    for (const from of [ALICE, CAROL]) {
      for (const to of ['6201', '6202', '6203', '8001', BOB]) {
        for (const service of ['voice', 'sms'] as const) {
          const req = request(from, to, { service });
          expect(decideRoute(loaded.directory, req, CONTEXT)).toEqual(
            decideRoute(writer.directory, req, CONTEXT),
          );
        }
      }
    }
  });
});
