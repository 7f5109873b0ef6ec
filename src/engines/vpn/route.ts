import { toE164 } from '../../domain/phone.js';
import type {
  GroupEntry,
  MemberEntry,
  RoutingDirectory,
  SubgroupEntry,
  SubgroupRecipient,
  SwitchboardEntry,
  VpnSettings,
} from '../../store/routing-directory/model.js';
import type { TariffRates } from '../rating/tariff.js';
import { EMERGENCY_NUMBERS, isShortCodeShaped } from './numbering-plan.js';

/**
 * The routing hot path (集团网 short-number dialling and everything around it): who a dialled
 * string reaches, what the callee sees, and at which rate.
 *
 * Pure: it reads the in-memory directory and the tariff in force, writes nothing and never
 * reads the clock (time comes in the request). A decision is a handful of Map reads; the only
 * costly step, parsing a dialled long number, goes through the memoised `toE164` (and is
 * skipped when the number is a member's). With a large directory the reads' cache misses, not
 * the computation, set the pace, so the code avoids touching objects it does not need: past
 * the caller's lookup it follows the directory's direct references (the caller's group, a
 * short code's holder, both members' sub-groups, a sub-group's ready fan-out) instead of
 * looking entries up by id.
 *
 * Order (the contract's): emergency numbers → the caller's suspension → the caller's short
 * codes → on-net long numbers in the caller's VPN → the caller's switchboard outbound prefix →
 * switchboard pilots and the conference access number → an unheld short code → off-net.
 */

export type RouteService = 'voice' | 'sms';

export interface RouteLocation {
  /** ISO 3166-2, e.g. `CN-BJ`. */
  province?: string;
  cellId?: string;
}

export interface RouteRequest {
  /** The caller, already E.164. */
  from: string;
  /** The dial string exactly as dialled: digits with an optional leading `+`, `*` or `#`. */
  to: string;
  service: RouteService;
  /** Epoch ms of the call; the engine never reads the clock. */
  atMs: number;
  location?: RouteLocation;
}

/** What the callee's caller hears while ringing; `RingbackDecision` of the ringback engine fits. */
export interface RingbackChoice {
  readonly policyId: string;
  readonly toneIds: readonly string[];
  readonly playback: 'single' | 'loop';
}

export interface RouteContext {
  /** The tariff version in force at `request.atMs`. */
  tariff: TariffRates;
  /** The group ringback (集团彩铃) engine's answer for a called member; absent means none. */
  resolveRingback?: (callee: MemberEntry, request: RouteRequest) => RingbackChoice | null;
}

export type RouteDecisionKind = 'connect' | 'ivr' | 'reject' | 'emergency';

export type RouteCallType =
  | 'emergency'
  | 'vpn_short'
  | 'vpn_onnet'
  | 'switchboard_inbound'
  | 'switchboard_outbound'
  | 'conference_dialin'
  | 'offnet';

/** Stable machine codes: the first four are reject reasons, the rest say which rule connected. */
export type RouteReason =
  | 'caller_suspended'
  | 'callee_suspended'
  | 'unallocated_number'
  | 'not_callable'
  | 'emergency_number'
  | 'vpn_short_code'
  | 'vpn_subgroup_code'
  | 'vpn_long_number'
  | 'switchboard_outbound_prefix'
  | 'switchboard_pilot'
  | 'conference_access_number'
  | 'offnet';

export type TariffClass =
  | 'emergency'
  | 'onnet'
  | 'offnet'
  | 'switchboard_inbound'
  | 'switchboard_outbound'
  | 'conference'
  | 'sms_onnet'
  | 'sms_offnet'
  | 'none';

/** Shared and frozen: one object per (class, rate), the same for every decision that uses it. */
export interface RouteTariff {
  readonly class: TariffClass;
  readonly rateFenPerMinute: number;
  /** Present on SMS routes. */
  readonly rateFenPerMessage?: number;
}

export interface RouteTarget {
  /** E.164 when the dialled string is a number; otherwise as dialled (a service code). */
  readonly msisdn: string;
  readonly memberId?: string;
  readonly groupId?: string;
}

/** Shared with the directory (its sub-groups keep them ready): do not mutate. */
export type RouteRecipient = SubgroupRecipient;

export interface RouteDecision {
  decision: RouteDecisionKind;
  /** On a reject, the kind of call that was refused. */
  callType: RouteCallType;
  from: string;
  to: string;
  target: RouteTarget | null;
  /** What the callee's screen shows. */
  presentedCallerId: string;
  ringback: RingbackChoice | null;
  tariff: RouteTariff;
  reason: RouteReason;
  /** One English sentence naming the rule that decided. */
  explanation: string;
  /** The caller is outside its home province (by `request.location.province`). */
  roaming: boolean;
  switchboardId?: string;
  /** SMS to a sub-group's short code. */
  subgroupId?: string;
  /** SMS to a sub-group's short code: every active member of the sub-group but the sender. */
  recipients?: RouteRecipient[];
}

const PLUS = 43;
const ZERO = 48;
const NINE = 57;
const ONE = 49;
const EIGHT = 56;
const SIX = 54;

/**
 * Shared frozen tariffs: a decision's `tariff` is one object per (class, rate), so deciding
 * allocates none. Each shelf answers its last rate without a lookup (the rates in force change
 * rarely) and keeps the others in a small map, so a tariff version edited in place or a VPN's
 * own rate is still read afresh on every call.
 */
class TariffShelf {
  private lastRate = Number.NaN;
  private last: RouteTariff | undefined;
  private readonly byRate = new Map<number, RouteTariff>();

  constructor(
    private readonly tariffClass: TariffClass,
    private readonly perMessage: boolean,
  ) {}

  at(rate: number): RouteTariff {
    if (rate === this.lastRate) return this.last!;
    let tariff = this.byRate.get(rate);
    if (tariff === undefined) {
      // Rates are a handful of figures; the bound only guards against a pathological catalogue.
      if (this.byRate.size >= 256) this.byRate.clear();
      tariff = frozenTariff(this.tariffClass, this.perMessage, rate);
      this.byRate.set(rate, tariff);
    }
    this.lastRate = rate;
    this.last = tariff;
    return tariff;
  }
}

function frozenTariff(tariffClass: TariffClass, perMessage: boolean, rate: number): RouteTariff {
  return Object.freeze(
    perMessage
      ? { class: tariffClass, rateFenPerMinute: 0, rateFenPerMessage: rate }
      : { class: tariffClass, rateFenPerMinute: rate },
  );
}

const EMERGENCY_VOICE = frozenTariff('emergency', false, 0);
const EMERGENCY_SMS = frozenTariff('emergency', true, 0);
const REFUSED_VOICE = frozenTariff('none', false, 0);
const REFUSED_SMS = frozenTariff('none', true, 0);
/** Dial-in is free for the participant: the conference's initiator pays per participant-minute. */
const CONFERENCE_VOICE = frozenTariff('conference', false, 0);
const ONNET = new TariffShelf('onnet', false);
const OFFNET = new TariffShelf('offnet', false);
const SWITCHBOARD_INBOUND = new TariffShelf('switchboard_inbound', false);
const SWITCHBOARD_OUTBOUND = new TariffShelf('switchboard_outbound', false);
const SMS_ONNET = new TariffShelf('sms_onnet', true);
const SMS_OFFNET = new TariffShelf('sms_offnet', true);

/** The target of an emergency number: one shared frozen object per number. */
const EMERGENCY_TARGETS: ReadonlyMap<string, RouteTarget> = new Map(
  [...EMERGENCY_NUMBERS].map((n) => [n, Object.freeze({ msisdn: n })]),
);

/**
 * The best (lowest) on-net rate among the sub-groups (灵活组网) both members belong to, ignoring
 * sub-groups without a rate of their own; null when they share none with a rate.
 */
export function sharedSubgroupRate(
  directory: RoutingDirectory,
  a: MemberEntry,
  b: MemberEntry,
): number | null {
  if (a.groupId !== b.groupId) return null;
  return directory.groups.get(a.groupId) === undefined ? null : sharedRate(a, b);
}

/**
 * `sharedSubgroupRate` for two members of one group. Both hold their sub-groups as references
 * (a handful at most), so the intersection compares pointers and reads no map.
 */
function sharedRate(a: MemberEntry, b: MemberEntry): number | null {
  let small = a.subgroups;
  let large = b.subgroups;
  if (small.length === 0 || large.length === 0) return null;
  if (small.length > large.length) {
    const swap = small;
    small = large;
    large = swap;
  }
  let best: number | null = null;
  for (let i = 0; i < small.length; i++) {
    const subgroup = small[i]!;
    const rate = subgroup.onnetRateFenPerMinute;
    if (rate === null || (best !== null && rate >= best)) continue;
    for (let j = 0; j < large.length; j++) {
      if (large[j] === subgroup) {
        best = rate;
        break;
      }
    }
  }
  return best;
}

export function decideRoute(
  directory: RoutingDirectory,
  request: RouteRequest,
  context: RouteContext,
): RouteDecision {
  const { from, to } = request;
  if (to.length === 3) {
    const target = EMERGENCY_TARGETS.get(to);
    if (target !== undefined) return emergency(directory, request, target);
  }
  const caller = directory.membersByMsisdn.get(from);
  if (caller === undefined) return routeActive(directory, request, context, undefined, undefined, false);
  const roaming = isRoaming(caller, request);
  const group = caller.group;
  if (caller.status === 'suspended') {
    // Classify without ringback so the reject still says which kind of call was refused.
    const refused = routeActive(directory, request, { tariff: context.tariff }, caller, group, roaming);
    return reject(
      request,
      refused.callType,
      null,
      'caller_suspended',
      `caller ${from} (member ${caller.id}) is suspended, so the ${refused.callType} ${kindOf(request)} is refused`,
      roaming,
    );
  }
  return routeActive(directory, request, context, caller, group, roaming);
}

function emergency(directory: RoutingDirectory, request: RouteRequest, target: RouteTarget): RouteDecision {
  const { from, to } = request;
  // The caller matters only for the roaming flag: skip the lookup when no province came.
  const caller = request.location?.province ? directory.membersByMsisdn.get(from) : undefined;
  const roaming = caller !== undefined && isRoaming(caller, request);
  return make(
    request,
    'emergency',
    'emergency',
    target,
    from,
    null,
    request.service === 'sms' ? EMERGENCY_SMS : EMERGENCY_VOICE,
    'emergency_number',
    `${to} is an emergency number, routed to emergency services whoever calls${roamingNote(caller, request, roaming)}`,
    roaming,
  );
}

/** Everything after the emergency and caller-suspension checks. */
function routeActive(
  directory: RoutingDirectory,
  request: RouteRequest,
  context: RouteContext,
  caller: MemberEntry | undefined,
  group: GroupEntry | undefined,
  roaming: boolean,
): RouteDecision {
  const { from, to } = request;
  const vpn = group === undefined ? null : group.vpn;
  const shortShaped = vpn !== null && isShortCodeShaped(to, vpn);

  // 1. The caller's short codes (短号互拨): the holder is a direct reference, no further lookup.
  if (shortShaped) {
    const holder = group!.shortCodes.get(to);
    if (holder !== undefined) {
      return holder.kind === 'member'
        ? connectOnnet(request, context, caller!, group!, holder, vpn, true, roaming)
        : subgroupCode(request, context, caller!, group!, vpn, holder, roaming);
    }
  }

  // 2. On-net long numbers: a member of the caller's own VPN group, in any accepted form.
  // Members' numbers are valid mobiles, so a dialled string that is one of them in E.164,
  // national (`138…`) or plus-less international (`86138…`) form needs no parsing: a direct
  // lookup saves the phone memo's reads on the commonest long numbers.
  const members = directory.membersByMsisdn;
  const direct = directE164(to);
  let callee = direct === null ? undefined : members.get(direct);
  let e164: string | null;
  if (callee !== undefined) {
    e164 = callee.msisdn;
  } else {
    e164 = toE164(to);
    // A number the direct lookup already missed is not looked up twice.
    if (e164 !== null && e164 !== direct) callee = members.get(e164);
  }
  if (callee !== undefined && vpn !== null && callee.group === group) {
    return connectOnnet(request, context, caller!, group!, callee, vpn, false, roaming);
  }

  // 3. The caller's switchboard outbound prefix (an extension member dialling out).
  if (caller !== undefined) {
    const switchboards = caller.switchboards;
    if (switchboards !== null) {
      for (let i = 0; i < switchboards.length; i++) {
        const switchboard = switchboards[i]!;
        const prefix = switchboard.outboundPrefix;
        if (prefix === null || prefix.length === 0 || to.length <= prefix.length || !to.startsWith(prefix)) {
          continue;
        }
        const outside = toE164(to.slice(prefix.length));
        if (outside === null) continue;
        return switchboardOutbound(directory, request, context, caller, switchboard, outside, roaming);
      }
    }
  }

  // 4. Switchboard pilots (总机号码) and the conference bridge's access number.
  if (e164 !== null) {
    const switchboard = directory.switchboardsByPilot.get(e164);
    if (switchboard !== undefined) {
      const decided = make(
        request,
        'ivr',
        'switchboard_inbound',
        { msisdn: switchboard.pilotNumber, groupId: switchboard.groupId },
        from,
        null,
        request.service === 'sms'
          ? SMS_OFFNET.at(context.tariff.sms.offnetFenPerMessage)
          : SWITCHBOARD_INBOUND.at(context.tariff.voice.switchboardInboundFenPerMinute),
        'switchboard_pilot',
        `${e164} is the pilot number of switchboard ${switchboard.id} of group ${switchboard.groupId}, whose greeting answers${roamingNote(caller, request, roaming)}`,
        roaming,
      );
      decided.switchboardId = switchboard.id;
      return decided;
    }
  }
  if (to === directory.conferenceAccessNumber) {
    return make(
      request,
      'ivr',
      'conference_dialin',
      { msisdn: to },
      from,
      null,
      request.service === 'sms' ? SMS_OFFNET.at(context.tariff.sms.offnetFenPerMessage) : CONFERENCE_VOICE,
      'conference_access_number',
      `${to} is the conference access number, answered by the bridge prompt; the initiator pays${roamingNote(caller, request, roaming)}`,
      roaming,
    );
  }

  // 5. A short-code-shaped number in the caller's VPN that nothing above took.
  if (shortShaped) {
    return reject(
      request,
      'vpn_short',
      null,
      'unallocated_number',
      `${to} is shaped like a short code of group ${group!.id} but no member or sub-group holds it`,
      roaming,
    );
  }

  // 6. Off-net: outside the caller's VPN (possibly a member of another group).
  if (callee === undefined) {
    return make(
      request,
      'connect',
      'offnet',
      { msisdn: e164 ?? to },
      from,
      null,
      offnetTariff(request, context),
      'offnet',
      `${to} is not a member of the caller's VPN, so the ${kindOf(request)} goes off-net${roamingNote(caller, request, roaming)}`,
      roaming,
    );
  }
  const target: RouteTarget = { msisdn: callee.msisdn, memberId: callee.id, groupId: callee.groupId };
  if (callee.status === 'suspended') {
    return reject(
      request,
      'offnet',
      target,
      'callee_suspended',
      `callee ${callee.msisdn} (member ${callee.id} of group ${callee.groupId}) is suspended`,
      roaming,
    );
  }
  return make(
    request,
    'connect',
    'offnet',
    target,
    from,
    ringbackFor(context, callee, request),
    offnetTariff(request, context),
    'offnet',
    `${to} is member ${callee.name} of group ${callee.groupId}, outside the caller's VPN, so the ${kindOf(request)} goes off-net${roamingNote(caller, request, roaming)}`,
    roaming,
  );
}

/** A connect between two members of the same VPN: by short code or by long number. */
function connectOnnet(
  request: RouteRequest,
  context: RouteContext,
  caller: MemberEntry,
  group: GroupEntry,
  callee: MemberEntry,
  vpn: VpnSettings,
  byShortCode: boolean,
  roaming: boolean,
): RouteDecision {
  const rule = byShortCode
    ? `short code ${request.to} in group ${group.id} is held by member ${callee.name}`
    : `${request.to} is member ${callee.name} of the caller's VPN group ${group.id}`;
  const target: RouteTarget = { msisdn: callee.msisdn, memberId: callee.id, groupId: callee.groupId };
  const callType = byShortCode ? 'vpn_short' : 'vpn_onnet';
  if (callee.status === 'suspended') {
    return reject(request, callType, target, 'callee_suspended', `${rule}, who is suspended`, roaming);
  }
  // The rate's source goes into the explanation as a constant: formatting the figure on every
  // call costs more than it tells (the figure is in `tariff`).
  let tariff: RouteTariff;
  let rated: string;
  if (request.service === 'sms') {
    tariff = SMS_ONNET.at(context.tariff.sms.onnetFenPerMessage);
    rated = '; an on-net message';
  } else {
    const rate = sharedRate(caller, callee);
    if (rate !== null) {
      tariff = ONNET.at(rate);
      rated = '; on-net at the best rate of the sub-groups both share';
    } else if (vpn.onnetRateFenPerMinute !== null) {
      tariff = ONNET.at(vpn.onnetRateFenPerMinute);
      rated = "; on-net at the VPN's rate";
    } else {
      tariff = ONNET.at(context.tariff.voice.onnetFenPerMinute);
      rated = "; on-net at the catalogue's rate";
    }
  }
  return make(
    request,
    'connect',
    callType,
    target,
    vpn.showShortCode && caller.shortCode !== null ? caller.shortCode : caller.msisdn,
    ringbackFor(context, callee, request),
    tariff,
    byShortCode ? 'vpn_short_code' : 'vpn_long_number',
    roaming
      ? `${rule}${rated}, kept while roaming in ${request.location!.province} (home ${caller.homeProvince})`
      : rule + rated,
    roaming,
  );
}

/** A short code held by a sub-group: SMS fans out to its members, voice cannot call it. */
function subgroupCode(
  request: RouteRequest,
  context: RouteContext,
  caller: MemberEntry,
  group: GroupEntry,
  vpn: VpnSettings,
  subgroup: SubgroupEntry,
  roaming: boolean,
): RouteDecision {
  const rule = `short code ${request.to} in group ${group.id} belongs to sub-group ${subgroup.name} (${subgroup.id})`;
  if (request.service === 'voice') {
    const refused = reject(
      request,
      'vpn_short',
      null,
      'not_callable',
      `${rule}, which takes messages but not calls`,
      roaming,
    );
    refused.subgroupId = subgroup.id;
    return refused;
  }
  // The store keeps the active members and their recipients ready, in joining order: the
  // fan-out copies that list but the caller's own entry, and reads no member.
  const ready = subgroup.recipients;
  const own = subgroup.activeMembers.indexOf(caller);
  let recipients: RouteRecipient[];
  if (own < 0) {
    recipients = ready.slice();
  } else {
    recipients = ready.slice(0, own);
    for (let i = own + 1; i < ready.length; i++) recipients.push(ready[i]!);
  }
  const rate = context.tariff.sms.onnetFenPerMessage;
  const decided = make(
    request,
    'connect',
    'vpn_short',
    null,
    vpn.showShortCode && caller.shortCode !== null ? caller.shortCode : caller.msisdn,
    null,
    SMS_ONNET.at(rate),
    'vpn_subgroup_code',
    `${rule}, so the message goes to its ${recipients.length} other active members at the on-net SMS rate, ${rate} fen${roamingNote(caller, request, roaming)}`,
    roaming,
  );
  decided.subgroupId = subgroup.id;
  decided.recipients = recipients;
  return decided;
}

function switchboardOutbound(
  directory: RoutingDirectory,
  request: RouteRequest,
  context: RouteContext,
  caller: MemberEntry,
  switchboard: SwitchboardEntry,
  outside: string,
  roaming: boolean,
): RouteDecision {
  const { id: switchboardId, pilotNumber: pilot, outboundPrefix: prefix } = switchboard;
  const callee = directory.membersByMsisdn.get(outside);
  const target: RouteTarget =
    callee === undefined
      ? { msisdn: outside }
      : { msisdn: outside, memberId: callee.id, groupId: callee.groupId };
  const rule = `the caller is an extension of switchboard ${switchboardId} and dialled its outbound prefix ${prefix} before ${outside}`;
  let decided: RouteDecision;
  if (callee !== undefined && callee.status === 'suspended') {
    decided = reject(
      request,
      'switchboard_outbound',
      target,
      'callee_suspended',
      `${rule}, a suspended member`,
      roaming,
    );
  } else {
    decided = make(
      request,
      'connect',
      'switchboard_outbound',
      target,
      pilot,
      callee === undefined ? null : ringbackFor(context, callee, request),
      request.service === 'sms'
        ? SMS_OFFNET.at(context.tariff.sms.offnetFenPerMessage)
        : SWITCHBOARD_OUTBOUND.at(context.tariff.voice.switchboardOutboundFenPerMinute),
      'switchboard_outbound_prefix',
      `${rule}, so the call goes out with the pilot ${pilot} presented${roamingNote(caller, request, roaming)}`,
      roaming,
    );
  }
  decided.switchboardId = switchboardId;
  return decided;
}

/**
 * The E.164 form of a dialled string shaped like a Chinese mobile in E.164, national (`138…`)
 * or plus-less international (`86138…`) form, for a direct member lookup; null otherwise.
 */
function directE164(to: string): string | null {
  const length = to.length;
  const first = to.charCodeAt(0);
  if (first === PLUS) return to;
  const last = to.charCodeAt(length - 1);
  // Hashing a rope (a concatenation as built) for a Map lookup first flattens it in the
  // runtime, which costs more than the lookup itself; `trim` flattens it in a builtin. The
  // dialled string ends in a digit here, so trimming never changes it.
  if (last < ZERO || last > NINE) return null;
  if (length === 11 && first === ONE) return `+86${to}`.trim();
  if (length === 13 && first === EIGHT && to.charCodeAt(1) === SIX) return `+${to}`.trim();
  return null;
}

function make(
  request: RouteRequest,
  decision: RouteDecisionKind,
  callType: RouteCallType,
  target: RouteTarget | null,
  presentedCallerId: string,
  ringback: RingbackChoice | null,
  tariff: RouteTariff,
  reason: RouteReason,
  explanation: string,
  roaming: boolean,
): RouteDecision {
  return {
    decision,
    callType,
    from: request.from,
    to: request.to,
    target,
    presentedCallerId,
    ringback,
    tariff,
    reason,
    explanation,
    roaming,
  };
}

function reject(
  request: RouteRequest,
  callType: RouteCallType,
  target: RouteTarget | null,
  reason: RouteReason,
  explanation: string,
  roaming: boolean,
): RouteDecision {
  return make(
    request,
    'reject',
    callType,
    target,
    request.from,
    null,
    request.service === 'sms' ? REFUSED_SMS : REFUSED_VOICE,
    reason,
    explanation,
    roaming,
  );
}

/** Off-net voice at the per-minute rate; any SMS that leaves the VPN is an off-net message. */
function offnetTariff(request: RouteRequest, context: RouteContext): RouteTariff {
  return request.service === 'sms'
    ? SMS_OFFNET.at(context.tariff.sms.offnetFenPerMessage)
    : OFFNET.at(context.tariff.voice.offnetFenPerMinute);
}

function ringbackFor(
  context: RouteContext,
  callee: MemberEntry,
  request: RouteRequest,
): RingbackChoice | null {
  const resolve = context.resolveRingback;
  return resolve === undefined ? null : (resolve(callee, request) ?? null);
}

function isRoaming(caller: MemberEntry, request: RouteRequest): boolean {
  const location = request.location;
  if (location === undefined) return false;
  const province = location.province;
  return province !== undefined && province !== '' && province !== caller.homeProvince;
}

function roamingNote(member: MemberEntry | undefined, request: RouteRequest, roaming: boolean): string {
  return roaming && member !== undefined
    ? `; the caller is roaming in ${request.location!.province} (home ${member.homeProvince})`
    : '';
}

function kindOf(request: RouteRequest): string {
  return request.service === 'sms' ? 'message' : 'call';
}
