import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import {
  createGroup,
  createMember,
  createPartnerKey,
  HEBEI_ENTERPRISE,
  type TestApp,
} from '../../helpers/app.js';

/**
 * Two tenants for the isolation suites, built through the public API. Tenant A is made with the
 * admin key and every id, name and configured text of it is collected as it is created, so a
 * scan of whatever tenant B's partner key reads catches any field that leaks, including fields
 * added later.
 */

/** Tenant A's numbers (national form); B may dial them, so they are not secrets in traffic. */
export const A_NUMBERS = {
  zhang: '13803220001',
  li: '13803220002',
  operator: '13803220003',
  suspended: '13803220004',
  pilot: '0311-87770000',
  outsider: '13312340001',
} as const;

export const B_NUMBERS = { wang: '13903330001', chen: '13903330002' } as const;

export const e164 = (national: string) => `+86${national.replace(/\D/g, '').replace(/^0/, '')}`;

/** A's switchboard texts: configured by A, so B must not read them. */
export const A_TEXTS = {
  greeting: '甲方精密仪器欢迎您',
  afterHours: '甲方现在下班了',
  prompt: '甲方菜单：销售请按1',
} as const;

export interface TenantA {
  groupId: string;
  zhang: { id: string; msisdn: string };
  li: { id: string; msisdn: string };
  operator: { id: string; msisdn: string };
  suspended: { id: string; msisdn: string };
  subgroupId: string;
  switchboardId: string;
  toneId: string;
  policyId: string;
  groupContactId: string;
  personalContactId: string;
  subscriptionId: string;
  /** A partner key of A's group. */
  keyId: string;
  /** A conference among A's members only. */
  conference: { id: string; pin: string; participantId: string; callId: string };
  /** A call among A's members only. */
  callId: string;
  /** Every id, name and text of A's (numbers excluded): none may reach B. */
  secrets: Set<string>;
  /** A's numbers in the forms the API answers: secrets where B did not send them. */
  numbers: Set<string>;
}

export interface TenantB {
  groupId: string;
  key: string;
  wang: { id: string; msisdn: string };
  chen: { id: string; msisdn: string };
}

// biome-ignore lint/suspicious/noExplicitAny: set-up reads a few fields of each answer
async function ok(res: Promise<LightMyRequestResponse>, status = 201): Promise<Record<string, any>> {
  const answer = await res;
  if (answer.statusCode !== status) throw new Error(`set-up refused: ${answer.statusCode} ${answer.body}`);
  return answer.json();
}

/** Tenant A: a VPN group with a sub-group, a switchboard, ringback, contacts, a conference and a call. */
export async function tenantA(t: TestApp): Promise<TenantA> {
  const secrets = new Set<string>();
  const keep = <T extends string>(value: T): T => {
    secrets.add(value);
    return value;
  };
  const name = keep('甲方精密仪器有限公司');
  const groupId = keep(await createGroup(t, { ...HEBEI_ENTERPRISE, name }));
  await ok(
    t.call({
      method: 'PUT',
      url: `/v1/groups/${groupId}/vpn`,
      payload: { shortCodeLength: { min: 3, max: 6 }, crossProvince: false, showShortCode: true },
    }),
  );
  const member = async (msisdn: string, memberName: string, extra: Record<string, unknown> = {}) => {
    const created = await createMember(t, groupId, { msisdn, name: keep(memberName), ...extra });
    return { id: keep(created.id), msisdn: created.msisdn };
  };
  const zhang = await member(A_NUMBERS.zhang, '甲张三', { department: keep('甲方研发部') });
  const li = await member(A_NUMBERS.li, '甲李四');
  const operator = await member(A_NUMBERS.operator, '甲王五');
  const suspended = await member(A_NUMBERS.suspended, '甲赵六', { status: 'suspended' });
  await ok(
    t.call({
      method: 'PATCH',
      url: `/v1/groups/${groupId}/members/${li.id}`,
      payload: { shortCode: '601' },
    }),
    200,
  );

  const subgroup = await ok(
    t.call({
      method: 'POST',
      url: `/v1/groups/${groupId}/subgroups`,
      payload: { name: keep('甲方销售组'), shortCode: '8000' },
    }),
  );
  const subgroupId = keep(subgroup.id as string);
  for (const m of [zhang, li]) {
    await ok(
      t.call({ method: 'PUT', url: `/v1/groups/${groupId}/subgroups/${subgroupId}/members/${m.id}` }),
      200,
    );
  }

  const switchboard = await ok(
    t.call({
      method: 'POST',
      url: `/v1/groups/${groupId}/switchboards`,
      payload: {
        pilotNumber: A_NUMBERS.pilot,
        greeting: keep(A_TEXTS.greeting),
        afterHoursGreeting: keep(A_TEXTS.afterHours),
        menu: { prompt: keep(A_TEXTS.prompt), options: { '1': { action: 'extension', extension: '8301' } } },
        outboundPrefix: '9',
      },
    }),
  );
  const switchboardId = keep(switchboard.id as string);
  await ok(
    t.call({
      method: 'PUT',
      url: `/v1/switchboards/${switchboardId}/extensions/8301`,
      payload: { memberId: li.id },
    }),
  );
  await ok(
    t.call({
      method: 'PUT',
      url: `/v1/switchboards/${switchboardId}/operators/${operator.id}`,
      payload: { status: 'available' },
    }),
  );

  const tone = await ok(
    t.call({
      method: 'POST',
      url: `/v1/groups/${groupId}/ringback/tones`,
      payload: { title: keep('甲方彩铃'), durationSeconds: 30 },
    }),
  );
  const toneId = keep(tone.id as string);
  const policy = await ok(
    t.call({
      method: 'POST',
      url: `/v1/groups/${groupId}/ringback/policies`,
      payload: { name: keep('甲方策略'), appliesTo: { all: true }, toneIds: [toneId], playback: 'single' },
    }),
  );
  const policyId = keep(policy.id as string);

  const groupContact = await ok(
    t.call({
      method: 'POST',
      url: `/v1/groups/${groupId}/contacts`,
      payload: { name: keep('甲方供应商'), msisdn: A_NUMBERS.outsider },
    }),
  );
  const personalContact = await ok(
    t.call({
      method: 'POST',
      url: `/v1/address-books/${zhang.msisdn}/contacts`,
      payload: { name: keep('甲张三的朋友'), msisdn: A_NUMBERS.outsider },
    }),
  );
  const subscription = await ok(
    t.call({
      method: 'POST',
      url: `/v1/groups/${groupId}/subscriptions`,
      payload: { product: 'switchboard', startDate: '2026-11-01' },
    }),
  );

  const key = await ok(
    t.call({ method: 'POST', url: '/v1/api-keys', payload: { name: keep('甲方接口'), groupIds: [groupId] } }),
  );

  const conference = await ok(
    t.call({
      method: 'POST',
      url: '/v1/conferences',
      payload: { hostMsisdn: zhang.msisdn, title: keep('甲方内部会议'), participants: [{ memberId: li.id }] },
    }),
  );
  const leg = (conference.participants as Array<{ id: string; callId: string }>)[1]!;
  const call = await ok(
    t.call({ method: 'POST', url: '/v1/calls', payload: { from: zhang.msisdn, to: '601' } }),
  );

  for (const id of [
    groupContact.id,
    personalContact.id,
    subscription.id,
    key.id,
    key.key,
    conference.id,
    ...(conference.participants as Array<{ id: string; callId: string }>).flatMap((p) => [p.id, p.callId]),
    call.id,
  ]) {
    keep(id as string);
  }
  const numbers = new Set(Object.values(A_NUMBERS).map(e164));
  return {
    groupId,
    zhang,
    li,
    operator,
    suspended,
    subgroupId,
    switchboardId,
    toneId,
    policyId,
    groupContactId: groupContact.id as string,
    personalContactId: personalContact.id as string,
    subscriptionId: subscription.id as string,
    keyId: key.id as string,
    conference: {
      id: conference.id as string,
      pin: conference.pin as string,
      participantId: leg.id,
      callId: leg.callId,
    },
    callId: call.id as string,
    secrets,
    numbers,
  };
}

/** Tenant B: a VPN group with two members and a partner key scoped to it. */
export async function tenantB(t: TestApp): Promise<TenantB> {
  const groupId = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '乙方物流有限公司' });
  await ok(
    t.call({
      method: 'PUT',
      url: `/v1/groups/${groupId}/vpn`,
      payload: { shortCodeLength: { min: 3, max: 6 }, crossProvince: false, showShortCode: true },
    }),
  );
  const wang = await createMember(t, groupId, { msisdn: B_NUMBERS.wang, name: '乙王' });
  const chen = await createMember(t, groupId, { msisdn: B_NUMBERS.chen, name: '乙陈' });
  return { groupId, key: await createPartnerKey(t, [groupId]), wang, chen };
}

/** The secrets of `a` found in `text`, leaving out what the reader itself sent. */
export function leaksIn(text: string, forbidden: Iterable<string>, sent = ''): string[] {
  return [...forbidden].filter((secret) => text.includes(secret) && !sent.includes(secret));
}

/**
 * A client that injects with B's key and asserts, on every answer, that none of `forbidden`
 * appears in it (beyond what the request itself carried).
 */
export function scannedClient(t: TestApp, key: string, forbidden: () => Iterable<string>) {
  return async (options: InjectOptions): Promise<LightMyRequestResponse> => {
    const res = await t.call({ ...options, key });
    const sent = `${options.url} ${JSON.stringify(options.payload ?? '')} ${JSON.stringify(options.query ?? '')}`;
    expect(leaksIn(res.body, forbidden(), sent), `${options.method} ${options.url}: ${res.body}`).toEqual([]);
    return res;
  };
}
