import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { InstitutionType, Province, ValueTier } from '../../src/domain/group-rules.js';
import type {
  RingbackAudience,
  RingbackPlayback,
  RingbackSchedule,
} from '../../src/engines/ringback/types.js';
import type {
  BusinessHours,
  Menu,
  OperatorStatus,
  SwitchboardFallback,
} from '../../src/engines/switchboard/types.js';

/**
 * The system of record. Times are epoch milliseconds (integers); money is integer fen;
 * phone numbers are E.164. Public ids are prefixed ULIDs, so they sort in creation order and
 * cursor pagination can page on them directly.
 */

/** 集团客户: a group customer. */
export const groups = sqliteTable('groups', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  institutionType: text('institution_type').$type<InstitutionType>().notNull(),
  valueTier: text('value_tier').$type<ValueTier>().notNull(),
  province: text('province').$type<Province>().notNull(),
  city: text('city'),
  timezone: text('timezone').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** 成员: a group's mobile subscriber. A MSISDN belongs to at most one group. */
export const members = sqliteTable(
  'members',
  {
    id: text('id').primaryKey(),
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id),
    msisdn: text('msisdn').notNull(),
    name: text('name').notNull(),
    /** Full pinyin without tones or spaces (`zhanglan`), for directory search. */
    namePinyin: text('name_pinyin').notNull(),
    /** Pinyin initials (`zl`). */
    nameInitials: text('name_initials').notNull(),
    department: text('department'),
    title: text('title'),
    homeProvince: text('home_province').notNull(),
    status: text('status').$type<'active' | 'suspended'>().notNull(),
    shortCode: text('short_code'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('members_msisdn_unique').on(t.msisdn),
    uniqueIndex('members_group_short_code_unique')
      .on(t.groupId, t.shortCode)
      .where(sql`short_code IS NOT NULL`),
    index('members_group_department').on(t.groupId, t.department),
  ],
);

/** Partner API keys: stored as SHA-256 of the key, scoped to group customers. */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull(),
    /**
     * How `key_hash` was made: `hmac-sha256` (keyed with the server's secret) or `sha256` (keys
     * issued before the keyed hash; rehashed at their first use).
     */
    hashScheme: text('hash_scheme').$type<KeyHashScheme>().notNull().default('sha256'),
    /** The key's first characters (`sk_AbCd`), to recognise it; null until a legacy key is used. */
    prefix: text('prefix'),
    /** JSON array of group ids. */
    groupIds: text('group_ids', { mode: 'json' }).$type<string[]>().notNull(),
    /** Wall-clock times, like every time of a key (see the README). */
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
    expiresAt: integer('expires_at'),
    /** Requests a second; null: the configured default. */
    rateLimitPerSecond: integer('rate_limit_per_second'),
    /** The secret replaced by the last rotation, accepted until `previous_valid_until`. */
    previousKeyHash: text('previous_key_hash'),
    previousHashScheme: text('previous_hash_scheme').$type<KeyHashScheme>(),
    previousValidUntil: integer('previous_valid_until'),
  },
  (t) => [uniqueIndex('api_keys_hash_unique').on(t.keyHash)],
);

export type KeyHashScheme = 'sha256' | 'hmac-sha256';

/** Every state-changing request (refused ones too), for `GET /v1/audit-log`. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    /** Wall-clock time of the answer. */
    at: integer('at').notNull(),
    /** `admin`, a partner key's id, or null when no key authenticated. */
    keyId: text('key_id'),
    method: text('method').notNull(),
    path: text('path').notNull(),
    status: integer('status').notNull(),
    /** The id of the resource the request created or changed, when its answer names one. */
    resource: text('resource'),
  },
  (t) => [index('audit_log_key').on(t.keyId, t.id)],
);

/** Stored responses of POSTs carrying an Idempotency-Key, kept 24 hours. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    bodyHash: text('body_hash').notNull(),
    /** null while the first request is still being processed. */
    statusCode: integer('status_code'),
    responseBody: text('response_body'),
    contentType: text('content_type'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.principal, t.key] }), index('idempotency_created').on(t.createdAt)],
);

/** 集团网: a group's VPN settings; a group without a row has no VPN. */
export const vpns = sqliteTable('vpns', {
  groupId: text('group_id')
    .primaryKey()
    .references(() => groups.id, { onDelete: 'cascade' }),
  shortCodeMin: integer('short_code_min').notNull(),
  shortCodeMax: integer('short_code_max').notNull(),
  crossProvince: integer('cross_province', { mode: 'boolean' }).notNull(),
  showShortCode: integer('show_short_code', { mode: 'boolean' }).notNull(),
  onnetRateFenPerMinute: integer('onnet_rate_fen_per_minute'),
  updatedAt: integer('updated_at').notNull(),
});

/** 灵活组网: a sub-group of a VPN with its own on-net discount and optional short code. */
export const subgroups = sqliteTable(
  'subgroups',
  {
    id: text('id').primaryKey(),
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    shortCode: text('short_code'),
    onnetRateFenPerMinute: integer('onnet_rate_fen_per_minute'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('subgroups_group_short_code_unique')
      .on(t.groupId, t.shortCode)
      .where(sql`short_code IS NOT NULL`),
  ],
);

export const subgroupMembers = sqliteTable(
  'subgroup_members',
  {
    subgroupId: text('subgroup_id')
      .notNull()
      .references(() => subgroups.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.subgroupId, t.memberId] }),
    index('subgroup_members_member').on(t.memberId),
  ],
);

/** Short messages, including platform notices; one row per message, recipients beside it. */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    fromNumber: text('from_number').notNull(),
    /** As dialled (a short code, a long number). */
    toDialled: text('to_dialled').notNull(),
    text: text('text').notNull(),
    at: integer('at').notNull(),
    senderDisplay: text('sender_display').notNull(),
    /** Group of the sender when a member, else of the first member recipient: for scoping. */
    groupId: text('group_id'),
    kind: text('kind').$type<'sms' | 'notice'>().notNull().default('sms'),
  },
  (t) => [index('messages_from').on(t.fromNumber, t.id)],
);

export const messageRecipients = sqliteTable(
  'message_recipients',
  {
    messageId: text('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    msisdn: text('msisdn').notNull(),
    memberId: text('member_id'),
    groupId: text('group_id'),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.msisdn] }),
    index('message_recipients_msisdn').on(t.msisdn, t.messageId),
  ],
);

/** The tariff catalogue: versions effective from a date; the rates as a JSON document. */
export const tariffVersions = sqliteTable('tariff_versions', {
  effectiveFrom: text('effective_from').primaryKey(),
  rates: text('rates', { mode: 'json' }).notNull(),
  createdAt: integer('created_at').notNull(),
});

/** Key-value settings of the service itself. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** 集团彩铃 tones: a group's produced ringback tones, each charged a one-off production fee. */
export const ringbackTones = sqliteTable(
  'ringback_tones',
  {
    id: text('id').primaryKey(),
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    durationSeconds: integer('duration_seconds').notNull(),
    /** The tariff's production fee in force when the tone was made. */
    productionFeeFen: integer('production_fee_fen').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('ringback_tones_group').on(t.groupId, t.id)],
);

/** 集团彩铃 policies: who hears which tones when; the engine ranks them per call. */
export const ringbackPolicies = sqliteTable(
  'ringback_policies',
  {
    id: text('id').primaryKey(),
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    /** Creation order within the group: the newest wins the final tie-break. */
    seq: integer('seq').notNull(),
    name: text('name').notNull(),
    /** `{all: true}` or `{memberIds?, subgroupIds?, departments?}`. */
    appliesTo: text('applies_to', { mode: 'json' }).$type<RingbackAudience>().notNull(),
    schedule: text('schedule', { mode: 'json' }).$type<RingbackSchedule>(),
    toneIds: text('tone_ids', { mode: 'json' }).$type<string[]>().notNull(),
    playback: text('playback').$type<RingbackPlayback>().notNull(),
    priority: integer('priority').notNull().default(0),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('ringback_policies_group').on(t.groupId, t.seq)],
);

/** A group's own calendar (holidays, 调休 make-up workdays); no row: the national calendar. */
export const groupCalendars = sqliteTable('group_calendars', {
  groupId: text('group_id')
    .primaryKey()
    .references(() => groups.id, { onDelete: 'cascade' }),
  holidays: text('holidays', { mode: 'json' }).$type<string[]>().notNull(),
  workdays: text('workdays', { mode: 'json' }).$type<string[]>().notNull(),
});

/** 移动总机: a hosted switchboard answering at its pilot number (unique across the service). */
export const switchboards = sqliteTable(
  'switchboards',
  {
    id: text('id').primaryKey(),
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    /** E.164. */
    pilotNumber: text('pilot_number').notNull(),
    greeting: text('greeting').notNull(),
    afterHoursGreeting: text('after_hours_greeting'),
    businessHours: text('business_hours', { mode: 'json' }).$type<BusinessHours>(),
    menu: text('menu', { mode: 'json' }).$type<Menu>().notNull(),
    outboundPrefix: text('outbound_prefix'),
    fallback: text('fallback').$type<SwitchboardFallback>().notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('switchboards_pilot_unique').on(t.pilotNumber),
    index('switchboards_group').on(t.groupId),
  ],
);

/** A switchboard's extensions (分机): unique per switchboard, each reaching one member. */
export const switchboardExtensions = sqliteTable(
  'switchboard_extensions',
  {
    switchboardId: text('switchboard_id')
      .notNull()
      .references(() => switchboards.id, { onDelete: 'cascade' }),
    extension: text('extension').notNull(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.switchboardId, t.extension] }),
    index('switchboard_extensions_member').on(t.memberId),
  ],
);

/** The operator desk (人工话务台): members on it and their status. */
export const switchboardOperators = sqliteTable(
  'switchboard_operators',
  {
    switchboardId: text('switchboard_id')
      .notNull()
      .references(() => switchboards.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    status: text('status').$type<OperatorStatus>().notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.switchboardId, t.memberId] })],
);

/**
 * Simulated calls. The call's state and machine position are one JSON document, rewritten on
 * every acknowledged action (its event log is apart, in `call_events`); the columns beside it
 * are what lists filter on.
 * Calls outlive groups (history), so there is no foreign key to them.
 */
export const calls = sqliteTable(
  'calls',
  {
    id: text('id').primaryKey(),
    state: text('state').notNull(),
    callType: text('call_type').notNull(),
    callerGroupId: text('caller_group_id'),
    calleeGroupId: text('callee_group_id'),
    switchboardId: text('switchboard_id'),
    conferenceId: text('conference_id'),
    document: text('document', { mode: 'json' }).$type<unknown>().notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** Bumped by every write: a save names the version it read and is refused if another writer moved it (compare-and-set). */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('calls_state').on(t.state, t.id),
    index('calls_caller_group').on(t.callerGroupId, t.id),
    index('calls_callee_group').on(t.calleeGroupId, t.id),
  ],
);

/**
 * A call's event log, append-only: an action writes only the events it added (an announcement
 * on a conference leg is one row), while the call's row holds its state without the log.
 * WITHOUT ROWID (in the migration): a row lives in its primary key's b-tree, one page per write.
 */
export const callEvents = sqliteTable(
  'call_events',
  {
    callId: text('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    /** The event's index in the call's log, from 0. */
    seq: integer('seq').notNull(),
    event: text('event', { mode: 'json' }).$type<unknown>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.callId, t.seq] })],
);

/** Call detail records: exactly one per ended call, written in the transaction that ends it. */
export const cdrs = sqliteTable(
  'cdrs',
  {
    id: text('id').primaryKey(),
    callId: text('call_id').notNull(),
    /** The group billed: the caller's when a member, else the called member's, switchboard's or conference's. */
    groupId: text('group_id'),
    callType: text('call_type').notNull(),
    from: text('from_number').notNull(),
    to: text('to_number').notNull(),
    presentedCallerId: text('presented_caller_id').notNull(),
    startedAt: integer('started_at').notNull(),
    answeredAt: integer('answered_at'),
    endedAt: integer('ended_at').notNull(),
    billableSeconds: integer('billable_seconds').notNull(),
    tariffClass: text('tariff_class').notNull(),
    rateFenPerMinute: integer('rate_fen_per_minute').notNull(),
    chargeFen: integer('charge_fen').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('cdrs_call_unique').on(t.callId),
    index('cdrs_group_started').on(t.groupId, t.startedAt),
    index('cdrs_started').on(t.startedAt),
  ],
);

/** Simulated subscriber behaviours (PUT /v1/sim/subscribers/{msisdn}); no row: `manual`. */
export const simSubscribers = sqliteTable('sim_subscribers', {
  msisdn: text('msisdn').primaryKey(),
  behaviour: text('behaviour').$type<'manual' | 'answer' | 'busy' | 'no_answer' | 'reject'>().notNull(),
  afterSeconds: integer('after_seconds').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * A group's product subscriptions (which products, from when): what recurring fees its bills
 * carry. Dates are local `YYYY-MM-DD` in the group's zone; `endDate` is the last day billed.
 */
export const subscriptions = sqliteTable(
  'subscriptions',
  {
    id: text('id').primaryKey(),
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    product: text('product')
      .$type<'vpn' | 'switchboard' | 'ringback' | 'conference' | 'voice_line'>()
      .notNull(),
    /** A conference package id from the tariff (`conf-300`), for `conference`. */
    packageId: text('package_id'),
    /** How many (switchboards, CRBT members, lines); null: what the group has (e.g. its members). */
    quantity: integer('quantity'),
    startDate: text('start_date').notNull(),
    endDate: text('end_date'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('subscriptions_group').on(t.groupId, t.startDate)],
);

/**
 * 移动会议电话 conferences. The room's header (state, PIN, lock, times, charge) is one JSON
 * document, rewritten when it changes (participants are in `conference_participants`, events
 * in `conference_events`); the columns beside it are what lists, the live-PIN rule and
 * billing read. Conferences outlive groups (history): no foreign key.
 */
export const conferences = sqliteTable(
  'conferences',
  {
    id: text('id').primaryKey(),
    /** The group billed: the host's. */
    groupId: text('group_id'),
    state: text('state').$type<'scheduled' | 'active' | 'ended'>().notNull(),
    pin: text('pin').notNull(),
    hostMsisdn: text('host_msisdn').notNull(),
    startAt: integer('start_at'),
    endedAt: integer('ended_at'),
    participantMinutes: integer('participant_minutes'),
    chargeFen: integer('charge_fen'),
    document: text('document', { mode: 'json' }).$type<unknown>().notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** Bumped by every write: a save names the version it read and is refused if another writer moved it (compare-and-set). */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    // A PIN opens one conference at a time: unique among those not yet ended.
    uniqueIndex('conferences_live_pin').on(t.pin).where(sql`state <> 'ended'`),
    index('conferences_state').on(t.state, t.id),
    index('conferences_group_ended').on(t.groupId, t.endedAt),
  ],
);

/** Every group a conference involves (its own, its participants' groups): scope and ?groupId=. */
export const conferenceGroups = sqliteTable(
  'conference_groups',
  {
    conferenceId: text('conference_id')
      .notNull()
      .references(() => conferences.id, { onDelete: 'cascade' }),
    groupId: text('group_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.conferenceId, t.groupId] }),
    index('conference_groups_group').on(t.groupId),
  ],
);

/**
 * A conference's participants, one row each in the room's order (participants are only ever
 * appended): a mute rewrites one small row, not the whole room. WITHOUT ROWID (in the
 * migration): the row lives in its primary key's b-tree, one page per write.
 */
export const conferenceParticipants = sqliteTable(
  'conference_participants',
  {
    conferenceId: text('conference_id')
      .notNull()
      .references(() => conferences.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    document: text('document', { mode: 'json' }).$type<unknown>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.conferenceId, t.position] })],
);

/** A conference's event log, append-only, in order; each row the whole event (WITHOUT ROWID since 0006). */
export const conferenceEvents = sqliteTable(
  'conference_events',
  {
    conferenceId: text('conference_id')
      .notNull()
      .references(() => conferences.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    event: text('event', { mode: 'json' }).$type<unknown>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.conferenceId, t.seq] })],
);

/**
 * 通讯录 address-book entries outside the members: a group's shared external contacts
 * (`groupId`) or a host's personal ones (`ownerMsisdn`), exactly one of the two.
 */
export const contacts = sqliteTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    groupId: text('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    /** E.164 of the personal book's owner. */
    ownerMsisdn: text('owner_msisdn'),
    name: text('name').notNull(),
    /** E.164. */
    msisdn: text('msisdn').notNull(),
    department: text('department'),
    note: text('note'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('contacts_group_msisdn_unique').on(t.groupId, t.msisdn).where(sql`group_id IS NOT NULL`),
    uniqueIndex('contacts_owner_msisdn_unique')
      .on(t.ownerMsisdn, t.msisdn)
      .where(sql`owner_msisdn IS NOT NULL`),
  ],
);
