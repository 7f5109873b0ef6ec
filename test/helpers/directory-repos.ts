import { beforeEach } from 'vitest';
import type { ContactRow } from '../../src/store/contact-repo.js';
import type { GroupRow } from '../../src/store/group-repo.js';
import type { MemberRow } from '../../src/store/member-repo.js';
import { createPostgresContactRepo } from '../../src/store/postgres/contact-repo.js';
import { createPostgresGroupRepo } from '../../src/store/postgres/group-repo.js';
import { createPostgresMemberRepo } from '../../src/store/postgres/member-repo.js';
import { createPostgresRingbackRepo } from '../../src/store/postgres/ringback-repo.js';
import { createPostgresSimSubscriberRepo } from '../../src/store/postgres/sim-subscriber-repo.js';
import { createPostgresSwitchboardRepo } from '../../src/store/postgres/switchboard-repo.js';
import { createPostgresTariffRepo } from '../../src/store/postgres/tariff-repo.js';
import { createPostgresVpnRepo } from '../../src/store/postgres/vpn-repo.js';
import { createPostgresStore, type PgExecutor } from '../../src/store/postgres-store.js';
import type { Repositories } from '../../src/store/repositories.js';
import type { RingbackPolicyRow, RingbackToneRow } from '../../src/store/ringback-repo.js';
import { createSqliteBackedStore } from '../../src/store/sqlite-repositories.js';
import type { Store } from '../../src/store/store.js';
import type { SwitchboardRow } from '../../src/store/switchboard-repo.js';
import type { SubgroupRow } from '../../src/store/vpn-repo.js';
import { type BackendName, postgresForTest, sqliteForTest } from './backends.js';

/**
 * Suites for the group directory's repositories (groups, members, VPN, contacts, switchboards,
 * ringback, SIM subscribers, tariffs), each run on both backends with the same assertions.
 */
export type DirectoryRepos = Pick<
  Repositories,
  'groups' | 'members' | 'vpn' | 'contacts' | 'switchboards' | 'ringback' | 'simSubscribers' | 'tariffs'
>;

export function createPostgresDirectoryRepos(executor: PgExecutor): DirectoryRepos {
  return {
    groups: createPostgresGroupRepo(executor),
    members: createPostgresMemberRepo(executor),
    vpn: createPostgresVpnRepo(executor),
    contacts: createPostgresContactRepo(executor),
    switchboards: createPostgresSwitchboardRepo(executor),
    ringback: createPostgresRingbackRepo(executor),
    simSubscribers: createPostgresSimSubscriberRepo(executor),
    tariffs: createPostgresTariffRepo(executor),
  };
}

/** Children before parents; one round trip (a DELETE of a few small tables costs less than a TRUNCATE). */
const EMPTY_TABLES = [
  'subgroup_members',
  'subgroups',
  'vpns',
  'switchboard_operators',
  'switchboard_extensions',
  'switchboards',
  'ringback_policies',
  'ringback_tones',
  'group_calendars',
  'contacts',
  'members',
  'groups',
  'sim_subscribers',
  'tariff_versions',
  'settings',
]
  .map((table) => `DELETE FROM ${table};`)
  .join(' ');

/**
 * Call at the top of a test file (it opens the file's PostgreSQL database); then, inside
 * `describe.each(BACKENDS)`, `storeFor(name)` answers a getter of a store emptied before each test:
 * a fresh in-memory SQLite database, or the file's PostgreSQL database with its tables emptied.
 */
export function directoryBackends() {
  const postgres = postgresForTest();
  return {
    postgres,
    storeFor(name: BackendName): () => Store<DirectoryRepos> {
      let current: Store<DirectoryRepos> | undefined;
      beforeEach(async () => {
        if (name === 'sqlite') {
          current = createSqliteBackedStore(sqliteForTest());
          return;
        }
        await postgres.db.$client.query(EMPTY_TABLES);
        current = createPostgresStore(postgres.db as unknown as PgExecutor, createPostgresDirectoryRepos);
      });
      return () => {
        if (current === undefined) throw new Error('the store is opened in beforeEach');
        return current;
      };
    },
  };
}

/** The error a rejected promise carries (for `isUniqueViolation`). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

// Rows, with ids that sort in creation order (as ULIDs do) when made in order.

export function groupRow(id: string, overrides: Partial<GroupRow> = {}): GroupRow {
  return {
    id,
    name: `Group ${id}`,
    institutionType: 'enterprise',
    valueTier: 'A1',
    province: 'CN-HE',
    city: null,
    timezone: 'Asia/Shanghai',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function memberRow(
  id: string,
  groupId: string,
  msisdn: string,
  overrides: Partial<MemberRow> = {},
): MemberRow {
  return {
    id,
    groupId,
    msisdn,
    name: `Member ${id}`,
    namePinyin: 'member',
    nameInitials: 'm',
    department: null,
    title: null,
    homeProvince: 'CN-HE',
    status: 'active',
    shortCode: null,
    createdAt: 1_700_000_000_001,
    updatedAt: 1_700_000_000_001,
    ...overrides,
  };
}

export function subgroupRow(id: string, groupId: string, overrides: Partial<SubgroupRow> = {}): SubgroupRow {
  return {
    id,
    groupId,
    name: `Subgroup ${id}`,
    shortCode: null,
    onnetRateFenPerMinute: null,
    createdAt: 1_700_000_000_002,
    ...overrides,
  };
}

export function contactRow(
  id: string,
  owner: Pick<ContactRow, 'groupId' | 'ownerMsisdn'>,
  msisdn: string,
  overrides: Partial<ContactRow> = {},
): ContactRow {
  return {
    id,
    ...owner,
    name: `Contact ${id}`,
    msisdn,
    department: null,
    note: null,
    createdAt: 1_700_000_000_003,
    updatedAt: 1_700_000_000_003,
    ...overrides,
  };
}

export function switchboardRow(
  id: string,
  groupId: string,
  pilotNumber: string,
  overrides: Partial<SwitchboardRow> = {},
): SwitchboardRow {
  return {
    id,
    groupId,
    pilotNumber,
    greeting: '您好',
    afterHoursGreeting: null,
    businessHours: null,
    menu: { prompt: 'Press 0', options: { '0': { action: 'operator' } } },
    outboundPrefix: null,
    fallback: 'operator',
    createdAt: 1_700_000_000_004,
    updatedAt: 1_700_000_000_004,
    ...overrides,
  };
}

export function toneRow(
  id: string,
  groupId: string,
  overrides: Partial<RingbackToneRow> = {},
): RingbackToneRow {
  return {
    id,
    groupId,
    title: `Tone ${id}`,
    durationSeconds: 30,
    productionFeeFen: 5_000_000_000_00,
    createdAt: 1_700_000_000_005,
    ...overrides,
  };
}

export function policyRow(
  id: string,
  groupId: string,
  seq: number,
  overrides: Partial<RingbackPolicyRow> = {},
): RingbackPolicyRow {
  return {
    id,
    groupId,
    seq,
    name: `Policy ${id}`,
    appliesTo: { all: true },
    schedule: null,
    toneIds: [],
    playback: 'loop',
    priority: 0,
    enabled: true,
    createdAt: 1_700_000_000_006,
    updatedAt: 1_700_000_000_006,
    ...overrides,
  };
}

/** Two groups (`grp_01`, `grp_02`) and two members of the first (`mbr_01`, `mbr_02`). */
export async function seedTwoGroupsTwoMembers(
  repos: Pick<DirectoryRepos, 'groups' | 'members'>,
): Promise<void> {
  await repos.groups.insert(groupRow('grp_01'));
  await repos.groups.insert(groupRow('grp_02'));
  await repos.members.insert(memberRow('mbr_01', 'grp_01', '+8613800000001'));
  await repos.members.insert(memberRow('mbr_02', 'grp_01', '+8613800000002'));
}
