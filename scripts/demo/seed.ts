import { DateTime } from 'luxon';
import { toE164 } from '../../src/domain/phone.js';
import type { Transport } from '../../src/sim/scenario/transport.js';
import { type SeedClient, type SeedReport, seedClient } from './client.js';
import { DEMO_GROUP, DEMO_PEOPLE, DEMO_SUBGROUPS, DEMO_VPN } from './data.js';
import {
  seedBehaviours,
  seedCalls,
  seedConference,
  seedContacts,
  seedRingback,
  seedSubscriptions,
  seedSwitchboard,
} from './products.js';

/**
 * Loads the demo customer through the public API, so it passes the same validation and number
 * normalisation as any partner's data. Each part is looked up before it is created: a second run,
 * or a run after the README's walk-through made a group of the same name, adds what is missing,
 * keeps what is there (also where it differs from the demo) and says which.
 */

export type { SeedReport } from './client.js';
export { DemoSeedError } from './client.js';

export interface DemoMember {
  id: string;
  msisdn: string;
  name: string;
  department: string | null;
  shortCode: string | null;
}

/** What the product steps share: the client, the group, the service's "now", members by name. */
export interface Demo {
  c: SeedClient;
  groupId: string;
  /** `/v1/groups/{groupId}` */
  group: string;
  now: DateTime;
  members: Map<string, DemoMember>;
}

export async function seedDemo(api: Transport, log: (line: string) => void = () => {}): Promise<SeedReport> {
  const c = seedClient(api, log);
  const clock = (await c.send<{ now: string }>('GET', '/v1/sim/clock')).body;
  const now = DateTime.fromISO(clock.now, { zone: 'Asia/Shanghai' });

  const groupId = await seedGroup(c);
  c.report.groupId = groupId;
  const group = `/v1/groups/${groupId}`;
  const vpn = await c.send('GET', `${group}/vpn`, undefined, [200, 404]);
  if (vpn.status === 200) c.note('kept', 'VPN settings');
  else {
    await c.send('PUT', `${group}/vpn`, DEMO_VPN);
    c.note('created', 'VPN');
  }
  const demo: Demo = { c, groupId, group, now, members: await seedMembers(c, group) };
  await seedSubgroups(demo);
  await seedSwitchboard(demo);
  await seedRingback(demo);
  const contacts = await seedContacts(demo);
  await seedBehaviours(demo);
  await seedSubscriptions(demo);
  await seedConference(demo, contacts);
  await seedCalls(demo);
  return c.report;
}

async function seedGroup(c: SeedClient): Promise<string> {
  const existing = (await c.listAll<{ id: string; name: string }>('/v1/groups')).find(
    (g) => g.name === DEMO_GROUP.name,
  );
  if (existing) {
    c.note('kept', `group ${DEMO_GROUP.name} (${existing.id})`);
    return existing.id;
  }
  const created = await c.create<{ id: string }>(`group ${DEMO_GROUP.name}`, '/v1/groups', DEMO_GROUP);
  return created!.id;
}

/** Members by name: those already in the group (found by number) and the ones added. */
async function seedMembers(c: SeedClient, group: string): Promise<Map<string, DemoMember>> {
  const byNumber = new Map((await c.listAll<DemoMember>(`${group}/members`)).map((m) => [m.msisdn, m]));
  const byName = new Map<string, DemoMember>();
  let kept = 0;
  for (const { shortCode, ...person } of DEMO_PEOPLE) {
    let member = byNumber.get(toE164(person.msisdn) ?? person.msisdn);
    if (member) kept++;
    else
      member = (await c.create<DemoMember>(`member ${person.name}`, `${group}/members`, person)) ?? undefined;
    if (!member) continue;
    byName.set(person.name, member);
    if (member.shortCode !== null) continue;
    const patched = await c.send('PATCH', `${group}/members/${member.id}`, { shortCode }, [200, 409, 422]);
    if (patched.status === 200) member.shortCode = shortCode;
    else c.note('skipped', `short code ${shortCode} of ${person.name}: ${String(patched.body.detail)}`);
  }
  if (kept > 0) c.note('kept', `${kept} members already in the group (by number)`);
  return byName;
}

async function seedSubgroups({ c, group, members }: Demo): Promise<void> {
  const subgroups = await c.listAll<{ id: string; name: string }>(`${group}/subgroups`);
  for (const { departments, ...input } of DEMO_SUBGROUPS) {
    let subgroup = subgroups.find((s) => s.name === input.name);
    if (subgroup) c.note('kept', `sub-group ${input.name}`);
    else
      subgroup =
        (await c.create(`sub-group ${input.name} (${input.shortCode})`, `${group}/subgroups`, input)) ??
        undefined;
    if (!subgroup) continue;
    for (const member of members.values()) {
      if (member.department !== null && departments.includes(member.department))
        await c.send('PUT', `${group}/subgroups/${subgroup.id}/members/${member.id}`);
    }
  }
}
