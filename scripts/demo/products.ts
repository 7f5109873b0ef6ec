import { toE164 } from '../../src/domain/phone.js';
import type { Json } from './client.js';
import {
  DEMO_BEHAVIOURS,
  DEMO_CONFERENCE,
  DEMO_EXTENSIONS,
  DEMO_GROUP_CONTACTS,
  DEMO_OPERATORS,
  DEMO_PERSONAL_CONTACTS,
  DEMO_POLICIES,
  DEMO_SUBSCRIPTIONS,
  DEMO_SWITCHBOARD,
  DEMO_TONES,
} from './data.js';
import type { Demo } from './seed.js';

/** The demo's products on its group, each looked up before it is created (see seed.ts). */

interface Switchboard {
  id: string;
  pilotNumber: string;
  extensions: Array<{ extension: string }>;
  operators: Array<{ memberId: string }>;
}

/** The switchboard at the demo pilot (or null when it could not be set up). */
export async function seedSwitchboard({ c, group, members }: Demo): Promise<Switchboard | null> {
  const pilot = toE164(DEMO_SWITCHBOARD.pilotNumber);
  const idOf = (name: string) => members.get(name)?.id;
  let switchboard = (await c.listAll<Switchboard>(`${group}/switchboards`)).find(
    (s) => s.pilotNumber === pilot,
  );
  if (switchboard) c.note('kept', `switchboard at ${pilot} with its menu`);
  else {
    const menu = withMemberIds(DEMO_SWITCHBOARD.menu, idOf);
    if (menu === null) {
      c.note('skipped', 'switchboard: a member its menu sends callers to is missing');
      return null;
    }
    const input = { ...DEMO_SWITCHBOARD, menu };
    switchboard =
      (await c.create<Switchboard>(`switchboard at ${pilot}`, `${group}/switchboards`, input)) ?? undefined;
    if (!switchboard) return null;
  }
  const taken = new Set(switchboard.extensions.map((e) => e.extension));
  const seated = new Set(switchboard.operators.map((o) => o.memberId));
  const base = `/v1/switchboards/${switchboard.id}`;
  for (const [extension, name] of DEMO_EXTENSIONS) {
    const id = idOf(name);
    if (taken.has(extension) || id === undefined) continue;
    await c.send('PUT', `${base}/extensions/${extension}`, { memberId: id });
    c.note('created', `extension ${extension} → ${name}`);
  }
  for (const [name, status] of DEMO_OPERATORS) {
    const id = idOf(name);
    if (id === undefined || seated.has(id)) continue;
    await c.send('PUT', `${base}/operators/${id}`, { status });
    c.note('created', `operator ${name} (${status})`);
  }
  return switchboard;
}

type Menu = { prompt: string; maxRetries?: number; options: Record<string, Json> };

/** The menu with each `{member: name}` option given that member's id; null when one is missing. */
function withMemberIds(menu: Menu, idOf: (name: string) => string | undefined): Menu | null {
  const options: Record<string, Json> = {};
  for (const [key, option] of Object.entries(menu.options)) {
    if (option.action === 'member') {
      const id = idOf(String(option.member));
      if (id === undefined) return null;
      options[key] = { action: 'member', memberId: id };
    } else if (option.action === 'submenu') {
      const sub = withMemberIds(option.menu as Menu, idOf);
      if (sub === null) return null;
      options[key] = { action: 'submenu', menu: sub };
    } else options[key] = option;
  }
  return { ...menu, options };
}

export async function seedRingback({ c, group }: Demo): Promise<void> {
  const tones = new Map(
    (await c.listAll<{ id: string; title: string }>(`${group}/ringback/tones`)).map((t) => [t.title, t.id]),
  );
  for (const [title, durationSeconds] of DEMO_TONES) {
    if (tones.has(title)) continue;
    const tone = await c.create<{ id: string }>(`ringback tone ${title}`, `${group}/ringback/tones`, {
      title,
      durationSeconds,
    });
    if (tone) tones.set(title, tone.id);
  }
  const policies = new Set(
    (await c.listAll<{ name: string }>(`${group}/ringback/policies`)).map((p) => p.name),
  );
  for (const { tones: titles, ...policy } of DEMO_POLICIES) {
    if (policies.has(policy.name)) c.note('kept', `ringback policy ${policy.name}`);
    else {
      const toneIds = titles.flatMap((title) => tones.get(title) ?? []);
      await c.create(`ringback policy ${policy.name}`, `${group}/ringback/policies`, { ...policy, toneIds });
    }
  }
}

/** The group's shared contacts by name (the personal book of the host is seeded too). */
export async function seedContacts({ c, group }: Demo): Promise<Map<string, string>> {
  const book = async (path: string, wanted: ReadonlyArray<{ name: string; msisdn: string }>) => {
    const contacts = await c.listAll<{ id: string; name: string; memberId: string | null }>(path);
    // The group book lists the members after the shared contacts: only the latter are ours.
    const byName = new Map(contacts.filter((x) => x.memberId === null).map((x) => [x.name, x.id]));
    for (const contact of wanted) {
      if (byName.has(contact.name)) continue;
      const made = await c.create<{ id: string }>(`contact ${contact.name}`, path, contact);
      if (made) byName.set(contact.name, made.id);
    }
    return byName;
  };
  const { owner, contacts } = DEMO_PERSONAL_CONTACTS;
  await book(`/v1/address-books/${owner}/contacts`, contacts);
  return book(`${group}/contacts`, DEMO_GROUP_CONTACTS);
}

/** Simulated subscribers who act by themselves; a behaviour someone set already is kept. */
export async function seedBehaviours({ c, members }: Demo): Promise<void> {
  for (const { name, ...behaviour } of DEMO_BEHAVIOURS) {
    const msisdn = members.get(name)?.msisdn;
    if (msisdn === undefined) continue;
    const path = `/v1/sim/subscribers/${encodeURIComponent(msisdn)}`;
    const current = (await c.send<{ behaviour: string }>('GET', path)).body.behaviour;
    if (current !== 'manual') c.note('kept', `simulated behaviour of ${name}: ${current}`);
    else {
      await c.send('PUT', path, behaviour);
      c.note(
        'created',
        `simulated behaviour of ${name}: ${behaviour.behaviour} after ${behaviour.afterSeconds} s`,
      );
    }
  }
}

/** Subscriptions from the first of the service clock's month, so this month's bill has lines. */
export async function seedSubscriptions({ c, group, now }: Demo): Promise<void> {
  const startDate = now.startOf('month').toISODate();
  const listed = (await c.send<{ items: Array<{ product: string }> }>('GET', `${group}/subscriptions`)).body;
  const subscribed = new Set(listed.items.map((s) => s.product));
  for (const subscription of DEMO_SUBSCRIPTIONS) {
    if (subscribed.has(subscription.product)) c.note('kept', `subscription ${subscription.product}`);
    else {
      const what = `subscription ${subscription.product} from ${startDate}`;
      await c.create(what, `${group}/subscriptions`, { ...subscription, startDate });
    }
  }
}

/** The weekly meeting, next Monday 09:00 in the group's zone, unless one of that title is pending. */
export async function seedConference({ c, groupId, now, members }: Demo, contacts: Map<string, string>) {
  const { title, host, durationMinutes } = DEMO_CONFERENCE;
  const listed = await c.listAll<{ title: string | null; state: string }>(
    `/v1/conferences?groupId=${groupId}`,
  );
  if (listed.some((x) => x.title === title && x.state !== 'ended')) {
    c.note('kept', `conference ${title}`);
    return;
  }
  const hostMsisdn = members.get(host)?.msisdn;
  if (hostMsisdn === undefined) {
    c.note('skipped', `conference ${title}: its host ${host} is missing`);
    return;
  }
  const startAt = now.plus({ weeks: 1 }).startOf('week').set({ hour: 9 }).toISO();
  const participants = [
    ...DEMO_CONFERENCE.members.flatMap((name) => {
      const memberId = members.get(name)?.id;
      return memberId ? [{ memberId }] : [];
    }),
    ...DEMO_CONFERENCE.contacts.flatMap((name) => {
      const contactId = contacts.get(name);
      return contactId ? [{ contactId }] : [];
    }),
  ];
  const body = { hostMsisdn, groupId, title, startAt, durationMinutes, participants };
  await c.create(`conference ${title} at ${startAt}`, '/v1/conferences', body);
}

/** Two answered calls when the group has no CDR yet, so its CDR list and bill show usage. */
export async function seedCalls({ c, groupId, now, members }: Demo): Promise<void> {
  const cdrs = (await c.send<{ items: unknown[] }>('GET', `/v1/cdrs?groupId=${groupId}&limit=1`)).body;
  if (cdrs.items.length > 0) {
    c.note('kept', 'the CDRs the group has (no sample calls placed)');
    return;
  }
  const at = (seconds: number) => now.plus({ seconds }).toISO();
  const call = async (what: string, from: string, to: string, steps: Json[]) => {
    const created = (await c.send<{ id: string }>('POST', '/v1/calls', { from, to, at: at(0) })).body;
    for (const step of steps) await c.send('POST', `/v1/calls/${created.id}/actions`, step);
    c.note('created', what);
  };
  const wang = members.get('王明');
  const zhang = members.get('张兰');
  if (wang && zhang?.shortCode) {
    const steps = [
      { action: 'answer', at: at(5) },
      { action: 'hangup', at: at(95) },
    ];
    await call(`a call 王明 → ${zhang.shortCode} (张兰), 90 s`, wang.msisdn, zhang.shortCode, steps);
  }
  const pilot = toE164(DEMO_SWITCHBOARD.pilotNumber)!;
  const desk = await c.send<{ callType: string }>('POST', '/v1/route', {
    from: DEMO_GROUP_CONTACTS[0]!.msisdn,
    to: pilot,
  });
  if (desk.body.callType !== 'switchboard_inbound') return;
  const steps = [
    { action: 'dtmf', digits: '1', at: at(10) },
    { action: 'answer', at: at(15) },
    { action: 'hangup', at: at(195) },
  ];
  await call(
    'a call from the supplier 王建国 to the switchboard, key 1 (sales), 3 min',
    DEMO_GROUP_CONTACTS[0]!.msisdn,
    pilot,
    steps,
  );
}
