import { createGroup, createMember, HEBEI_ENTERPRISE, type TestApp } from '../../helpers/app.js';

/** Helpers shared by the ringback API tests. */

export async function createTone(t: TestApp, groupId: string, title: string): Promise<string> {
  const res = await t.call({
    method: 'POST',
    url: `/v1/groups/${groupId}/ringback/tones`,
    payload: { title, durationSeconds: 30 },
  });
  if (res.statusCode !== 201) throw new Error(`tone creation failed: ${res.body}`);
  return res.json().id;
}

export function postPolicy(t: TestApp, groupId: string, body: Record<string, unknown>) {
  return t.call({ method: 'POST', url: `/v1/groups/${groupId}/ringback/policies`, payload: body });
}

export async function createPolicy(
  t: TestApp,
  groupId: string,
  body: Record<string, unknown>,
): Promise<string> {
  const res = await postPolicy(t, groupId, { playback: 'single', ...body });
  if (res.statusCode !== 201) throw new Error(`policy creation failed: ${res.body}`);
  return res.json().id;
}

export function resolve(t: TestApp, groupId: string, callee: string, at?: string, key?: string) {
  return t.call({
    method: 'GET',
    url: `/v1/groups/${groupId}/ringback/resolve`,
    query: at === undefined ? { callee } : { callee, at },
    ...(key !== undefined && { key }),
  });
}

/** The policy id that wins for `callee` at `at`. */
export async function winner(
  t: TestApp,
  groupId: string,
  callee: string,
  at?: string,
): Promise<string | null> {
  const res = await resolve(t, groupId, callee, at);
  if (res.statusCode !== 200) throw new Error(`resolve failed: ${res.body}`);
  return res.json().policyId;
}

/**
 * A group with work-hours and after-hours tones:
 * `work` plays 09:00–18:00 on working days by the group's calendar, `default` always.
 */
export async function officeGroup(t: TestApp, extra: Record<string, unknown> = {}) {
  const groupId = await createGroup(t, { ...HEBEI_ENTERPRISE, ...extra });
  const workTone = await createTone(t, groupId, '欢迎致电 工作时间');
  const afterTone = await createTone(t, groupId, '下班时间 请留言');
  const work = await createPolicy(t, groupId, {
    name: '工作时间',
    appliesTo: { all: true },
    schedule: { calendar: 'workdays', start: '09:00', end: '18:00' },
    toneIds: [workTone],
  });
  const fallback = await createPolicy(t, groupId, {
    name: '默认',
    appliesTo: { all: true },
    toneIds: [afterTone],
    playback: 'loop',
  });
  return { groupId, workTone, afterTone, work, fallback };
}

let nextMsisdn = 13800138000;

/** A member with a fresh MSISDN (national form). */
export async function member(t: TestApp, groupId: string, body: Record<string, unknown> = {}) {
  nextMsisdn += 1;
  return createMember(t, groupId, { msisdn: String(nextMsisdn), name: '张三', ...body });
}
