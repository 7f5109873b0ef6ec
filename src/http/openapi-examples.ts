/**
 * Examples shown in `/docs` for the main request and response bodies: one walk through the
 * README's story (a Hebei enterprise, 王明 calling 张兰 by short code). They live here, keyed by
 * component name and operationId, rather than in the route schemas, so the routes stay about
 * behaviour; the OpenAPI lint in `npm test` checks each against its schema.
 */

const GROUP_ID = 'grp_01m8tthcjgcryvajqpc6s9ct9j';
const ZHANG_ID = 'mem_01m8tthcmqtnedtd0egc2kn08t';
const CREATED = '2026-11-24T01:00:00.000Z';
const EXPLANATION = `short code 6201 in group ${GROUP_ID} is held by member 张兰; on-net at the VPN's rate`;
const ZHANG = { msisdn: '+8613803110003', memberId: ZHANG_ID, groupId: GROUP_ID };

/** By component schema name: what the API answers. */
export const SCHEMA_EXAMPLES: Record<string, unknown> = {
  Group: {
    id: GROUP_ID,
    name: '河北冀通装备制造有限公司',
    institutionType: 'enterprise',
    valueTier: 'A2',
    province: 'CN-HE',
    city: '石家庄',
    timezone: 'Asia/Shanghai',
    createdAt: CREATED,
    updatedAt: CREATED,
  },
  Member: {
    id: ZHANG_ID,
    groupId: GROUP_ID,
    msisdn: '+8613803110003',
    name: '张兰',
    department: '信息中心',
    title: null,
    homeProvince: 'CN-HE',
    status: 'active',
    shortCode: '6201',
    subgroupIds: [],
    createdAt: CREATED,
    updatedAt: CREATED,
  },
  Vpn: {
    groupId: GROUP_ID,
    shortCodeLength: { min: 3, max: 6 },
    crossProvince: false,
    showShortCode: true,
    onnetRateFenPerMinute: 5,
  },
  RouteDecision: {
    decision: 'connect',
    callType: 'vpn_short',
    from: '+8613803110001',
    to: '6201',
    target: ZHANG,
    presentedCallerId: '6001',
    ringback: null,
    tariff: { class: 'onnet', rateFenPerMinute: 5 },
    reason: 'vpn_short_code',
    explanation: EXPLANATION,
    roaming: false,
  },
  Call: {
    id: 'call_01m8tthcn16tdcfmyrg1ng3q7t',
    state: 'ringing',
    callType: 'vpn_short',
    from: '+8613803110001',
    to: '6201',
    presentedCallerId: '6001',
    target: ZHANG,
    events: [
      { at: '2026-11-24T02:00:00.000Z', type: 'routed', decision: 'connect', reason: 'vpn_short_code' },
      { at: '2026-11-24T02:00:00.000Z', type: 'ringing', msisdn: '+8613803110003', ringback: null },
    ],
    startedAt: '2026-11-24T02:00:00.000Z',
    answeredAt: null,
    endedAt: null,
    allowedActions: ['answer', 'reject', 'busy', 'no_answer', 'hangup'],
  },
  Message: {
    id: 'msg_01m8tthcn7ke5w5jbax023j098',
    kind: 'sms',
    from: '+8613803110001',
    to: '6201',
    text: '三点开会',
    at: CREATED,
    senderDisplay: '6001',
    recipients: [{ msisdn: '+8613803110003', memberId: ZHANG_ID }],
  },
  Problem: {
    type: 'https://telecom-sim.example/problems/tier_mismatch',
    title: 'Value tier does not fit the institution type',
    status: 422,
    detail:
      'value tier D does not fit institution type enterprise: tier D is exactly the individual businesses and cluster customers',
    code: 'tier_mismatch',
    errors: [{ path: 'body.valueTier', message: 'not allowed for enterprise' }],
  },
};

/** By operationId: what a caller sends. */
export const REQUEST_EXAMPLES: Record<string, unknown> = {
  createGroup: {
    name: '河北冀通装备制造有限公司',
    institutionType: 'enterprise',
    valueTier: 'A2',
    province: 'CN-HE',
    city: '石家庄',
  },
  createMember: { msisdn: '138 0311 0003', name: '张兰', department: '信息中心' },
  updateMember: { shortCode: '6201' },
  putVpn: {
    shortCodeLength: { min: 3, max: 6 },
    crossProvince: false,
    showShortCode: true,
    onnetRateFenPerMinute: 5,
  },
  route: { from: '13803110001', to: '6201' },
  createCall: { from: '13803110001', to: '6201', at: '2026-11-24T10:00:00+08:00' },
  sendMessage: { from: '13803110001', to: '6201', text: '三点开会' },
};
