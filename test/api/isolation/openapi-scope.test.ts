import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { leaksIn, type TenantA, type TenantB, tenantA, tenantB } from './tenants.js';

/**
 * Tenant isolation, generated from the served OpenAPI document: every operation with a path
 * parameter is called with tenant B's partner key on tenant A's resources and must answer 404
 * (403 where the operation is the admin's alone) with a body that names nothing of A's. A route
 * added later is covered by construction: the tables below must say how to make each of its
 * parameters (and its body), or the coverage test fails.
 */

interface Operation {
  method: string;
  path: string;
  operationId: string;
  pathParams: string[];
  requiredQuery: string[];
  hasBody: boolean;
  /** The body's schema requires no field: an empty object is a valid body. */
  bodyOptional: boolean;
  statuses: string[];
}

type Fixture = (a: TenantA, path: string) => string;

/** How to name one of A's resources for each path parameter. */
const PARAMS: Record<string, Fixture> = {
  groupId: (a) => a.groupId,
  memberId: (a) => a.li.id,
  subgroupId: (a) => a.subgroupId,
  switchboardId: (a) => a.switchboardId,
  extension: () => '8301',
  policyId: (a) => a.policyId,
  callId: (a) => a.callId,
  contactId: (a, path) => (path.startsWith('/v1/address-books/') ? a.personalContactId : a.groupContactId),
  msisdn: (a) => a.zhang.msisdn,
  conferenceId: (a) => a.conference.id,
  participantId: (a) => a.conference.participantId,
  subscriptionId: (a) => a.subscriptionId,
  period: () => '2026-11',
  keyId: (a) => a.keyId,
};

/** A valid body for each operation that takes one, so that only the scope can refuse it. */
const BODIES: Record<string, (a: TenantA) => unknown> = {
  updateGroup: () => ({ name: '乙改名' }),
  createMember: () => ({ msisdn: '13903339999', name: '乙新人' }),
  updateMember: () => ({ name: '乙改名' }),
  putVpn: () => ({ shortCodeLength: { min: 3, max: 6 }, crossProvince: true, showShortCode: false }),
  createSubgroup: () => ({ name: '乙组' }),
  updateSubgroup: () => ({ name: '乙组' }),
  createSwitchboard: () => ({
    pilotNumber: '0311-87779999',
    greeting: '乙',
    menu: { prompt: '乙', options: {} },
  }),
  updateSwitchboard: () => ({ greeting: '乙' }),
  putSwitchboardExtension: (a) => ({ memberId: a.li.id }),
  putSwitchboardOperator: () => ({ status: 'offline' }),
  createRingbackTone: () => ({ title: '乙', durationSeconds: 20 }),
  createRingbackPolicy: (a) => ({
    name: '乙',
    appliesTo: { all: true },
    toneIds: [a.toneId],
    playback: 'loop',
  }),
  updateRingbackPolicy: () => ({ enabled: false }),
  putGroupCalendar: () => ({ holidays: ['2026-12-25'], workdays: [] }),
  actOnCall: () => ({ action: 'hangup' }),
  createGroupContact: () => ({ name: '乙', msisdn: '13312349999' }),
  updateGroupContact: () => ({ name: '乙' }),
  createPersonalContact: () => ({ name: '乙', msisdn: '13312349999' }),
  updatePersonalContact: () => ({ name: '乙' }),
  updateConference: () => ({ durationMinutes: 5 }),
  addConferenceParticipant: () => ({ msisdn: '13312349999' }),
  updateConferenceParticipant: () => ({ muted: true }),
  actOnConference: () => ({ action: 'end' }),
  createSubscription: () => ({ product: 'vpn', startDate: '2026-11-01' }),
  updateSubscription: () => ({ quantity: 3 }),
  putSimSubscriber: () => ({ behaviour: 'busy' }),
};

/** Required query parameters, where an operation has any. */
const QUERIES: Record<string, (a: TenantA) => Record<string, string>> = {
  resolveRingback: (a) => ({ callee: a.li.msisdn }),
};

/**
 * The writes without a path parameter that document a 403: new requests B may not make (the
 * reads that document one are the admin's alone, and are checked without a table).
 */
const NEW_REQUESTS: Record<string, { method: string; url: string; payload: (a: TenantA) => unknown }> = {
  createApiKey: {
    method: 'POST',
    url: '/v1/api-keys',
    payload: (a) => ({ name: 'x', groupIds: [a.groupId] }),
  },
  createGroup: {
    method: 'POST',
    url: '/v1/groups',
    payload: () => ({ name: '乙', institutionType: 'enterprise', valueTier: 'A1', province: 'CN-HE' }),
  },
  putTariffVersion: { method: 'PUT', url: '/v1/tariffs', payload: () => ({}) },
  moveClock: { method: 'POST', url: '/v1/sim/clock', payload: () => ({ advanceSeconds: 60 }) },
  route: { method: 'POST', url: '/v1/route', payload: (a) => ({ from: a.zhang.msisdn, to: a.li.msisdn }) },
  createCall: { method: 'POST', url: '/v1/calls', payload: (a) => ({ from: a.zhang.msisdn, to: '601' }) },
  sendMessage: {
    method: 'POST',
    url: '/v1/messages',
    payload: (a) => ({ from: a.zhang.msisdn, to: a.li.msisdn, text: 'hi' }),
  },
  createConference: {
    method: 'POST',
    url: '/v1/conferences',
    payload: (a) => ({ hostMsisdn: a.zhang.msisdn, participants: [{ msisdn: a.li.msisdn }] }),
  },
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function requiresNothing(requestBody: unknown): boolean {
  const schema = (requestBody as { content?: Record<string, { schema?: { required?: string[] } }> })
    ?.content?.['application/json']?.schema;
  return schema !== undefined && (schema.required ?? []).length === 0;
}

/** The body B sends: the table's, or an empty object where the document requires no field. */
function bodyFor(op: Operation, a: TenantA): unknown {
  const make = BODIES[op.operationId];
  if (make !== undefined) return make(a);
  return op.hasBody ? {} : undefined;
}

function operationsOf(document: {
  paths: Record<string, Record<string, Record<string, unknown>>>;
}): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const parameters = (op.parameters ?? []) as Array<{ in: string; name: string; required?: boolean }>;
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId as string,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        requiredQuery: parameters.filter((p) => p.in === 'query' && p.required).map((p) => p.name),
        hasBody: op.requestBody !== undefined,
        bodyOptional: requiresNothing(op.requestBody),
        statuses: Object.keys(op.responses as object),
      });
    }
  }
  return operations;
}

describe('tenant isolation over every operation of the OpenAPI document', () => {
  let t: TestApp;
  let a: TenantA;
  let b: TenantB;
  let operations: Operation[];
  /** A's secrets, its numbers included: B sends none of them here unless named in the request. */
  let forbidden: string[];

  beforeAll(async () => {
    t = await createTestApp();
    a = await tenantA(t);
    b = await tenantB(t);
    const res = await t.call({ method: 'GET', url: '/openapi.json', key: null });
    operations = operationsOf(res.json());
    forbidden = [...a.secrets, ...a.numbers];
  });
  afterAll(() => t.close());

  const withIds = () => operations.filter((op) => op.pathParams.length > 0);

  it('has a fixture for every path parameter, body and required query of the document', () => {
    expect(withIds().length).toBeGreaterThan(50);
    const missing = withIds().flatMap((op) => [
      ...op.pathParams.filter((p) => PARAMS[p] === undefined).map((p) => `${op.operationId}: path ${p}`),
      ...(op.hasBody && !op.bodyOptional && BODIES[op.operationId] === undefined
        ? [`${op.operationId}: body`]
        : []),
      ...(op.requiredQuery.length > 0 && QUERIES[op.operationId] === undefined
        ? [`${op.operationId}: query ${op.requiredQuery.join(', ')}`]
        : []),
    ]);
    const refusals = operations
      .filter((op) => op.pathParams.length === 0 && op.method !== 'GET' && op.statuses.includes('403'))
      .map((op) => op.operationId);
    expect(missing).toEqual([]);
    expect(Object.keys(NEW_REQUESTS).sort()).toEqual(refusals.sort());
  });

  it("answers B 404 (403 for the admin's own operations) on each of A's resources, naming nothing of A's", async () => {
    const urlOf = (op: Operation) =>
      op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(PARAMS[name]!(a, op.path)));
    // What the admin reads of A before and after: B's refused writes change nothing.
    const reads = withIds().filter((op) => op.method === 'GET');
    const readAll = async () =>
      Promise.all(
        reads.map(async (op) => {
          const res = await t.call({
            method: 'GET',
            url: urlOf(op),
            query: QUERIES[op.operationId]?.(a) ?? {},
          });
          return `${op.operationId} ${res.statusCode} ${res.body}`;
        }),
      );
    const before = await readAll();
    const answers: string[] = [];
    for (const op of withIds()) {
      const url = urlOf(op);
      const payload = bodyFor(op, a);
      const query = QUERIES[op.operationId]?.(a) ?? {};
      const res = await t.call({
        method: op.method as 'GET',
        url,
        query,
        key: b.key,
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      const expected = op.statuses.includes('403') ? 403 : 404;
      answers.push(`${op.operationId} ${res.statusCode}`);
      expect(res.statusCode, `${op.method} ${url}: ${res.body}`).toBe(expected);
      // The route exists (not route_not_found): the scope refused it.
      expect(res.json().code).toBe(expected === 403 ? 'forbidden' : 'not_found');
      // A's own ids are in the URL B sent (it guessed them); nothing else of A's may come back.
      const sent = `${url} ${JSON.stringify(payload ?? '')} ${JSON.stringify(query)}`;
      expect(leaksIn(res.body, forbidden, sent), `${op.method} ${url}: ${res.body}`).toEqual([]);
    }
    expect(answers.length).toBe(withIds().length);
    expect(await readAll()).toEqual(before);
  });

  it("refuses B's new requests that involve only A's parties (403), naming nothing of A's", async () => {
    for (const [operationId, request] of Object.entries(NEW_REQUESTS)) {
      const payload = request.payload(a) as object;
      const res = await t.call({ method: request.method as 'POST', url: request.url, payload, key: b.key });
      expect(res.statusCode, `${operationId}: ${res.body}`).toBe(403);
      expect(leaksIn(res.body, forbidden, JSON.stringify(payload)), operationId).toEqual([]);
    }
  });

  it("lists nothing of A's on any read without a path parameter", async () => {
    const lists = operations.filter(
      (op) => op.method === 'GET' && op.pathParams.length === 0 && op.requiredQuery.length === 0,
    );
    expect(lists.map((op) => op.operationId)).toEqual(
      expect.arrayContaining(['listGroups', 'listCalls', 'listMessages', 'listConferences', 'listCdrs']),
    );
    for (const op of lists) {
      const res = await t.call({ method: 'GET', url: op.path, key: b.key });
      // A read the document gives a 403 is the admin's alone; any other answers as documented.
      if (op.statuses.includes('403')) expect(res.statusCode, op.path).toBe(403);
      else expect(op.statuses, `${op.path}: ${res.body}`).toContain(String(res.statusCode));
      expect(leaksIn(res.body, forbidden), `${op.path}: ${res.body}`).toEqual([]);
    }
    // The admin does see A's data in the same lists: the scan is not vacuous.
    const admin = await t.call({ method: 'GET', url: '/v1/calls' });
    expect(leaksIn(admin.body, forbidden)).toContain(a.callId);
  });
});
