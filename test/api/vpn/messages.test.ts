import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import {
  addMember,
  addSubgroup,
  createVpnGroup,
  e164,
  type Member,
  NUMBERS,
  problem,
  sendSms,
} from './fixtures.js';

/**
 * Short-number SMS (短号短信): routed like calls, stored with their recipients, listed per
 * inbox (`?to=`) and per sender (`?from=`), newest first.
 *
 * Group H (VPN, short codes shown): wang 6001, li 6002, zhang (no code), liu 6004 suspended;
 *   sub-group 8000 {wang, li, zhang, liu}
 * Group Q (VPN, short codes hidden): xu 7001, he 7002
 */
let t: TestApp;
let h: string;
let q: string;
const m: Record<string, Member> = {};

beforeEach(async () => {
  t = await createTestApp();
  h = await createVpnGroup(t);
  m.wang = await addMember(t, h, NUMBERS.wang, { shortCode: '6001' });
  m.li = await addMember(t, h, NUMBERS.li, { shortCode: '6002' });
  m.zhang = await addMember(t, h, NUMBERS.zhang);
  m.liu = await addMember(t, h, NUMBERS.liu, { shortCode: '6004', status: 'suspended' });
  await addSubgroup(t, h, { name: '管理层', shortCode: '8000' }, [m.wang.id, m.li.id, m.zhang.id, m.liu.id]);
  q = await createVpnGroup(t, { showShortCode: false });
  m.xu = await addMember(t, q, NUMBERS.other, { shortCode: '7001' });
  m.he = await addMember(t, q, '13903110002', { shortCode: '7002' });
});
afterEach(() => t.close());

const inbox = (msisdn: string, query = '') =>
  t.call({ method: 'GET', url: `/v1/messages?to=${encodeURIComponent(msisdn)}${query}` });
const outbox = (msisdn: string, query = '') =>
  t.call({ method: 'GET', url: `/v1/messages?from=${encodeURIComponent(msisdn)}${query}` });

describe('POST /v1/messages', () => {
  it('an at that its offset carries past 9999-01-01 is a 400 naming body.at (answers would say +010000-…)', async () => {
    for (const at of ['9999-12-31T23:59:59.999-23:59', '0000-01-01T00:00:00+01:00']) {
      const res = await sendSms(t, { from: NUMBERS.wang, to: '6002', text: '新年好', at });
      expect(problem(res)).toMatchObject({
        status: 400,
        code: 'validation_failed',
        errors: [{ path: 'body.at' }],
      });
    }
    expect((await outbox(NUMBERS.wang)).json().items).toEqual([]);
  });

  it('to a member’s short code reaches that member, shown the sender’s short code', async () => {
    const res = await sendSms(t, { from: NUMBERS.wang, to: '6002', text: '下午三点开会' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      kind: 'sms',
      from: e164(NUMBERS.wang),
      to: '6002',
      text: '下午三点开会',
      senderDisplay: '6001',
      recipients: [{ msisdn: e164(NUMBERS.li), memberId: m.li!.id }],
    });
    expect(body.id).toMatch(/^msg_/);
    // Without `at` the service clock (the test's simulated T0) stamps it.
    expect(body.at).toBe('2026-11-24T01:00:00.000Z');
  });

  it('shows the MSISDN when the sender holds no code or showShortCode is off', async () => {
    const noCode = await sendSms(t, { from: NUMBERS.zhang, to: '6001', text: 'hi' });
    expect(noCode.json()).toMatchObject({
      senderDisplay: e164(NUMBERS.zhang),
      recipients: [{ memberId: m.wang!.id }],
    });
    const hidden = await sendSms(t, { from: NUMBERS.other, to: '7002', text: 'hi' });
    expect(hidden.json()).toMatchObject({
      senderDisplay: e164(NUMBERS.other),
      recipients: [{ memberId: m.he!.id }],
    });
  });

  it('to a sub-group’s code reaches every active member but the sender', async () => {
    const res = await sendSms(t, { from: NUMBERS.wang, to: '8000', text: '周会取消' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.senderDisplay).toBe('6001');
    expect(body.recipients).toHaveLength(2);
    expect(body.recipients).toEqual(
      expect.arrayContaining([
        { msisdn: e164(NUMBERS.li), memberId: m.li!.id },
        { msisdn: e164(NUMBERS.zhang), memberId: m.zhang!.id },
      ]),
    );
    // Each recipient has it in the inbox; the sender and the suspended member do not.
    for (const n of [NUMBERS.li, NUMBERS.zhang]) {
      expect((await inbox(n)).json().items.map((x: { id: string }) => x.id)).toEqual([body.id]);
    }
    expect((await inbox(NUMBERS.wang)).json().items).toEqual([]);
    expect((await inbox(NUMBERS.liu)).json().items).toEqual([]);
  });

  it('a sub-group message from a member outside the sub-group reaches all of it', async () => {
    const other = await addSubgroup(t, h, { name: '销售团队', shortCode: '8100' }, [m.li!.id, m.zhang!.id]);
    expect(other.shortCode).toBe('8100');
    const res = await sendSms(t, { from: NUMBERS.wang, to: '8100', text: 'x' });
    expect(
      res
        .json()
        .recipients.map((r: { memberId: string }) => r.memberId)
        .sort(),
    ).toEqual([m.li!.id, m.zhang!.id].sort());
  });

  it('to a colleague’s long number is on-net, shown the short code', async () => {
    for (const to of [NUMBERS.li, e164(NUMBERS.li)]) {
      const res = await sendSms(t, { from: NUMBERS.wang, to, text: 'x' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        to,
        senderDisplay: '6001',
        recipients: [{ msisdn: e164(NUMBERS.li), memberId: m.li!.id }],
      });
    }
  });

  it('to a member of another group carries the memberId and the sender’s MSISDN', async () => {
    const res = await sendSms(t, { from: NUMBERS.wang, to: NUMBERS.other, text: 'x' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      senderDisplay: e164(NUMBERS.wang),
      recipients: [{ msisdn: e164(NUMBERS.other), memberId: m.xu!.id }],
    });
  });

  it('to a non-member’s long number, and from a non-member', async () => {
    const out = await sendSms(t, { from: NUMBERS.wang, to: NUMBERS.stranger, text: 'x' });
    expect(out.statusCode).toBe(201);
    expect(out.json()).toMatchObject({
      senderDisplay: e164(NUMBERS.wang),
      recipients: [{ msisdn: e164(NUMBERS.stranger) }],
    });
    expect(out.json().recipients[0]).not.toHaveProperty('memberId');

    const incoming = await sendSms(t, { from: NUMBERS.stranger, to: NUMBERS.wang, text: 'y' });
    expect(incoming.statusCode).toBe(201);
    expect(incoming.json()).toMatchObject({
      from: e164(NUMBERS.stranger),
      senderDisplay: e164(NUMBERS.stranger),
      recipients: [{ msisdn: e164(NUMBERS.wang), memberId: m.wang!.id }],
    });
  });

  it.each([
    ['the sender is suspended', NUMBERS.liu, '6001', 'body.from'],
    ['the short code is unallocated', NUMBERS.wang, '6999', 'body.to'],
    ['the recipient is suspended', NUMBERS.wang, '6004', 'body.to'],
    ['the number is an emergency number', NUMBERS.wang, '110', 'body.to'],
  ])('answers 422 sms_unroutable when %s, and stores nothing', async (_, from, to, path) => {
    const res = await sendSms(t, { from, to, text: 'x' });
    expect(problem(res)).toMatchObject({ status: 422, code: 'sms_unroutable' });
    expect(problem(res).errors?.[0]?.path).toBe(path);
    expect((await t.call({ method: 'GET', url: '/v1/messages' })).json().items).toEqual([]);
    expect((await outbox(from)).json().items).toEqual([]);
  });

  it('answers 400 for an invalid sender, dial string or text', async () => {
    for (const payload of [
      { from: 'nobody', to: '6002', text: 'x' },
      { from: NUMBERS.wang, to: '60-02', text: 'x' },
      { from: NUMBERS.wang, to: '6002', text: '' },
      { from: NUMBERS.wang, to: '6002', text: 'x'.repeat(1001) },
      { from: NUMBERS.wang, to: '6002' },
    ]) {
      const res = await t.call({ method: 'POST', url: '/v1/messages', payload });
      expect(problem(res), JSON.stringify(payload)).toMatchObject({ status: 400, code: 'validation_failed' });
    }
    expect((await t.call({ method: 'GET', url: '/v1/messages' })).json().items).toEqual([]);
  });

  it('takes an explicit time', async () => {
    const res = await sendSms(t, {
      from: NUMBERS.wang,
      to: '6002',
      text: 'x',
      at: '2026-12-01T08:30:00+08:00',
    });
    expect(res.json().at).toBe('2026-12-01T00:30:00.000Z');
  });
});

describe('GET /v1/messages', () => {
  it('?to= is a recipient’s inbox, newest first, each message whole', async () => {
    const first = (await sendSms(t, { from: NUMBERS.wang, to: '6002', text: 'one' })).json();
    t.clock.advanceTo(t.clock.now() + 60_000);
    const second = (await sendSms(t, { from: NUMBERS.stranger, to: NUMBERS.li, text: 'two' })).json();
    t.clock.advanceTo(t.clock.now() + 60_000);
    const third = (await sendSms(t, { from: NUMBERS.zhang, to: '8000', text: 'three' })).json();
    await sendSms(t, { from: NUMBERS.li, to: '6001', text: 'not for li' });

    for (const form of [NUMBERS.li, e164(NUMBERS.li), `86${NUMBERS.li}`]) {
      const res = await inbox(form);
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.items.map((x: { text: string }) => x.text)).toEqual(['three', 'two', 'one']);
      expect(page.nextCursor).toBeNull();
      expect(page.items[0]).toEqual(third);
      expect(page.items[1]).toEqual(second);
      expect(page.items[2]).toEqual(first);
    }
  });

  it('?from= lists a sender’s messages, newest first, in any number form', async () => {
    await sendSms(t, { from: NUMBERS.wang, to: '6002', text: 'a' });
    await sendSms(t, { from: NUMBERS.li, to: '6001', text: 'b' });
    await sendSms(t, { from: NUMBERS.wang, to: '8000', text: 'c' });
    const res = await outbox(e164(NUMBERS.wang));
    expect(res.json().items.map((x: { text: string }) => x.text)).toEqual(['c', 'a']);
    expect((await outbox(NUMBERS.wang)).json().items).toHaveLength(2);
    // Both filters together: what wang sent to li.
    const both = await t.call({
      method: 'GET',
      url: `/v1/messages?from=${NUMBERS.wang}&to=${NUMBERS.li}`,
    });
    expect(both.json().items.map((x: { text: string }) => x.text)).toEqual(['c', 'a']);
    const none = await t.call({
      method: 'GET',
      url: `/v1/messages?from=${NUMBERS.wang}&to=${NUMBERS.other}`,
    });
    expect(none.json().items).toEqual([]);
  });

  it('paginates with limit and cursor, newest first, without overlap', async () => {
    for (let i = 0; i < 7; i++) await sendSms(t, { from: NUMBERS.wang, to: '6002', text: `m${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await inbox(NUMBERS.li, query)).json() as {
        items: Array<{ text: string }>;
        nextCursor: string | null;
      };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((x) => x.text));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
  });

  it('a limit of exactly the count ends without a cursor; bad limits are 400s', async () => {
    for (let i = 0; i < 3; i++) await sendSms(t, { from: NUMBERS.wang, to: '6002', text: `m${i}` });
    const exact = (await inbox(NUMBERS.li, '&limit=3')).json();
    expect(exact.items).toHaveLength(3);
    expect(exact.nextCursor).toBeNull();
    for (const limit of ['0', '501', 'x']) {
      expect((await inbox(NUMBERS.li, `&limit=${limit}`)).statusCode).toBe(400);
    }
    expect((await t.call({ method: 'GET', url: '/v1/messages?to=nobody' })).statusCode).toBe(400);
  });

  it('a partner key sees only messages touching its groups', async () => {
    await sendSms(t, { from: NUMBERS.wang, to: '6002', text: 'h' });
    await sendSms(t, { from: NUMBERS.other, to: '7002', text: 'q' });
    await sendSms(t, { from: NUMBERS.stranger, to: NUMBERS.other, text: 'to q' });
    const key = (
      await t.call({ method: 'POST', url: '/v1/api-keys', payload: { name: 'p', groupIds: [q] } })
    ).json().key as string;
    const res = await t.call({ method: 'GET', url: '/v1/messages', key });
    expect(res.json().items.map((x: { text: string }) => x.text)).toEqual(['to q', 'q']);
    // Sending between two other parties is a 403.
    const refused = await t.call({
      method: 'POST',
      url: '/v1/messages',
      payload: { from: NUMBERS.wang, to: '6002', text: 'x' },
      key,
    });
    expect(problem(refused)).toMatchObject({ status: 403, code: 'out_of_scope' });
  });
});
