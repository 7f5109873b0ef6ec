import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createGroup,
  createPartnerKey,
  createTestApp,
  HEBEI_ENTERPRISE,
  type TestApp,
} from '../../helpers/app.js';
import { addMember, NUMBERS, problem } from '../vpn/fixtures.js';
import { byMsisdn, conferenceGroup, E, newConference, postConference } from './setup.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const groupBook = (groupId: string) => `/v1/groups/${groupId}/contacts`;
const personalBook = (msisdn: string) => `/v1/address-books/${encodeURIComponent(msisdn)}/contacts`;

async function addContact(url: string, payload: Record<string, unknown>, key?: string) {
  const res = await t.call({ method: 'POST', url, payload, ...(key === undefined ? {} : { key }) });
  if (res.statusCode !== 201) throw new Error(`contact refused: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; msisdn: string; kind: string };
}

describe("a group's address book: members plus shared external contacts", () => {
  it('CRUD for shared contacts, numbers in E.164, Chinese names as sent', async () => {
    const g = await conferenceGroup(t);
    const created = await t.call({
      method: 'POST',
      url: groupBook(g.groupId),
      payload: { name: '供应商·赵总', msisdn: '+86 133 1234 5678', department: '外部', note: '采购' },
    });
    expect(created.statusCode).toBe(201);
    const contact = created.json();
    expect(contact).toMatchObject({
      kind: 'contact',
      name: '供应商·赵总',
      msisdn: E.stranger,
      memberId: null,
    });
    expect((await t.call({ method: 'GET', url: `${groupBook(g.groupId)}/${contact.id}` })).json()).toEqual(
      contact,
    );
    const patched = await t.call({
      method: 'PATCH',
      url: `${groupBook(g.groupId)}/${contact.id}`,
      payload: { name: '赵总', note: null },
    });
    expect(patched.json()).toMatchObject({ name: '赵总', note: null, msisdn: E.stranger });
    const removed = await t.call({ method: 'DELETE', url: `${groupBook(g.groupId)}/${contact.id}` });
    expect(removed.statusCode).toBe(204);
    expect(
      problem(await t.call({ method: 'GET', url: `${groupBook(g.groupId)}/${contact.id}` })).status,
    ).toBe(404);
  });

  it('lists shared contacts then members, page by page, and filters by q', async () => {
    const g = await conferenceGroup(t);
    await addContact(groupBook(g.groupId), { name: '赵总', msisdn: '13312345678' });
    await addContact(groupBook(g.groupId), { name: '钱经理', msisdn: '13312345679' });
    const all = (await t.call({ method: 'GET', url: `${groupBook(g.groupId)}?limit=500` })).json();
    expect(all.items.map((e: { kind: string }) => e.kind)).toEqual([
      'contact',
      'contact',
      'member',
      'member',
      'member',
      'member',
      'member',
    ]);
    expect(all.items[2]).toMatchObject({ kind: 'member', name: '王明', memberId: g.wang.id });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=3' : `?limit=3&cursor=${cursor}`;
      const page = (await t.call({ method: 'GET', url: `${groupBook(g.groupId)}${query}` })).json();
      seen.push(...page.items.map((e: { id: string }) => e.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(all.items.map((e: { id: string }) => e.id));
    const found = (
      await t.call({ method: 'GET', url: `${groupBook(g.groupId)}?q=${encodeURIComponent('赵')}` })
    ).json();
    expect(found.items.map((e: { name: string }) => e.name)).toEqual(['赵总']);
    const member = (await t.call({ method: 'GET', url: `${groupBook(g.groupId)}?q=wangming` })).json();
    expect(member.items.map((e: { name: string }) => e.name)).toEqual(['王明']);
  });

  it('400 bad input, 404 unknown group or entry, 409 a number already there, 422 a member is read-only here', async () => {
    const g = await conferenceGroup(t);
    const url = groupBook(g.groupId);
    const bad = await t.call({ method: 'POST', url, payload: { name: '', msisdn: 'abc' } });
    expect(problem(bad).status).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { path: string }) => e.path)
        .sort(),
    ).toEqual(['body.msisdn', 'body.name']);
    expect(problem(await t.call({ method: 'GET', url: groupBook('grp_nope') })).status).toBe(404);
    expect(problem(await t.call({ method: 'GET', url: `${url}/ctc_nope` })).status).toBe(404);
    await addContact(url, { name: '赵总', msisdn: '13312345678' });
    const twice = await t.call({ method: 'POST', url, payload: { name: '又一个', msisdn: '13312345678' } });
    expect(problem(twice)).toMatchObject({ status: 409, code: 'contact_exists' });
    const member = await t.call({ method: 'POST', url, payload: { name: '王明', msisdn: NUMBERS.wang } });
    expect(problem(member)).toMatchObject({ status: 409, code: 'contact_exists' });
    expect((await t.call({ method: 'GET', url: `${url}/${g.wang.id}` })).json()).toMatchObject({
      kind: 'member',
    });
    const edit = await t.call({ method: 'PATCH', url: `${url}/${g.wang.id}`, payload: { name: 'x' } });
    expect(problem(edit)).toMatchObject({ status: 422, code: 'contact_read_only' });
    expect(problem(await t.call({ method: 'DELETE', url: `${url}/${g.wang.id}` }))).toMatchObject({
      status: 422,
    });
  });

  it("a partner sees only its groups' books", async () => {
    const g = await conferenceGroup(t);
    const other = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '别的公司' });
    const key = await createPartnerKey(t, [g.groupId]);
    expect((await t.call({ method: 'GET', url: groupBook(g.groupId), key })).statusCode).toBe(200);
    expect(problem(await t.call({ method: 'GET', url: groupBook(other), key })).status).toBe(404);
    const post = await t.call({
      method: 'POST',
      url: groupBook(other),
      payload: { name: 'x', msisdn: E.stranger },
      key,
    });
    expect(problem(post).status).toBe(404);
  });
});

describe("a host's personal address book", () => {
  it('CRUD and paging, a number once per book', async () => {
    await conferenceGroup(t);
    const url = personalBook('13803110001');
    const a = await addContact(url, { name: '老同学', msisdn: '13312345678' });
    await addContact(url, { name: '家人', msisdn: '13312345679' });
    expect(a.msisdn).toBe(E.stranger);
    const page = (await t.call({ method: 'GET', url: `${url}?limit=1` })).json();
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toBe(a.id);
    expect((await t.call({ method: 'GET', url: personalBook(E.wang) })).json().items).toHaveLength(2);
    const twice = await t.call({ method: 'POST', url, payload: { name: 'x', msisdn: E.stranger } });
    expect(problem(twice)).toMatchObject({ status: 409, code: 'contact_exists' });
    // Another person's book holds the same number without trouble.
    await addContact(personalBook(E.li), { name: '老同学', msisdn: E.stranger });
    const patched = await t.call({
      method: 'PATCH',
      url: `${url}/${a.id}`,
      payload: { msisdn: '13312345670' },
    });
    expect(patched.json().msisdn).toBe('+8613312345670');
    expect((await t.call({ method: 'DELETE', url: `${url}/${a.id}` })).statusCode).toBe(204);
    expect(problem(await t.call({ method: 'GET', url: `${url}/${a.id}` })).status).toBe(404);
    expect(problem(await t.call({ method: 'GET', url: personalBook('12') })).status).toBe(400);
  });

  it("a partner reaches the books of its groups' members only", async () => {
    const g = await conferenceGroup(t);
    const other = await createGroup(t, { ...HEBEI_ENTERPRISE, name: '别的公司' });
    await addMember(t, other, NUMBERS.other);
    const key = await createPartnerKey(t, [g.groupId]);
    expect((await t.call({ method: 'GET', url: personalBook(E.wang), key })).statusCode).toBe(200);
    expect(problem(await t.call({ method: 'GET', url: personalBook(E.other), key })).status).toBe(404);
    expect(problem(await t.call({ method: 'GET', url: personalBook(E.stranger), key })).status).toBe(404);
    expect((await t.call({ method: 'GET', url: personalBook(E.stranger) })).statusCode).toBe(200);
  });
});

describe('participants from the address books ({contactId})', () => {
  it("picks from the group's shared contacts, its members and the host's own book", async () => {
    const g = await conferenceGroup(t);
    const shared = await addContact(groupBook(g.groupId), { name: '赵总', msisdn: '13312345678' });
    const own = await addContact(personalBook(E.wang), { name: '老同学', msisdn: '13312345679' });
    const othersOwn = await addContact(personalBook(E.li), { name: '李的朋友', msisdn: '13312345670' });
    const c = await newConference(t, {
      hostMsisdn: E.wang,
      participants: [{ contactId: shared.id }, { contactId: own.id }, { contactId: g.zhang.id }],
    });
    expect(c.participants.map((p) => [p.msisdn, p.name, p.memberId])).toEqual([
      [E.wang, '王明', g.wang.id],
      [E.stranger, '赵总', null],
      ['+8613312345679', '老同学', null],
      [E.zhang, '张兰', g.zhang.id],
    ]);
    const notMine = await postConference(t, {
      hostMsisdn: E.wang,
      participants: [{ contactId: othersOwn.id }],
    });
    expect(problem(notMine)).toMatchObject({ status: 422, code: 'unknown_contact' });
    const added = await t.call({
      method: 'POST',
      url: `/v1/conferences/${c.id}/participants`,
      payload: { contactId: g.liu.id },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ msisdn: E.liu, name: '刘强', state: 'dialing' });
    expect(
      byMsisdn((await t.call({ method: 'GET', url: `/v1/conferences/${c.id}` })).json(), E.liu).role,
    ).toBe('participant');
  });
});
