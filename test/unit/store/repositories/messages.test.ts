import { describe, expect, it } from 'vitest';
import { messageRecipients, messages } from '../../../../db/postgres/schema.js';
import { isUniqueViolation } from '../../../../src/store/constraint-errors.js';
import type { MessageFilter, MessageRow, RecipientRow } from '../../../../src/store/message-repo.js';
import { createPostgresMessageRepo } from '../../../../src/store/postgres/message-repo.js';
import { BACKENDS } from '../../../helpers/backends.js';
import { repositoryBackends } from '../../../helpers/repository-backends.js';

const backends = repositoryBackends(
  (ex) => ({ messages: createPostgresMessageRepo(ex) }),
  [messageRecipients, messages],
);

function message(id: string, overrides: Partial<MessageRow> = {}): MessageRow {
  return {
    id,
    fromNumber: '13800000001',
    toDialled: '13800000002',
    text: `text of ${id}`,
    at: 1_767_225_600_000,
    senderDisplay: '13800000001',
    groupId: 'grp_1',
    kind: 'sms',
    ...overrides,
  };
}

function recipient(messageId: string, msisdn: string, groupId: string | null = 'grp_1'): RecipientRow {
  return { messageId, msisdn, memberId: groupId === null ? null : `mem_${msisdn}`, groupId };
}

describe.each(BACKENDS)('the message repository on %s', (name) => {
  const backend = backends.backendFor(name);
  const repo = () => backend.store.repos.messages;
  const ids = async (
    filter: Partial<MessageFilter>,
    page: { limit: number; cursor?: string } = { limit: 100 },
  ) => (await repo().list({ scope: null, ...filter }, page)).map((row) => row.id);
  const allIds = () => ids({});

  it('stores a message and its recipients as given, text byte for byte', async () => {
    const row = message('msg_1', {
      text: "100% _sure_ it's 集团 \\ \u{1F600}",
      kind: 'notice',
      groupId: null,
    });
    await repo().insert(row, [recipient('msg_1', '13800000002'), recipient('msg_1', '02000000000', null)]);
    expect(await repo().list({ scope: null }, { limit: 10 })).toEqual([row]);
    // By message then number, whatever order they were written in.
    expect(await repo().recipientsOf(['msg_1'])).toEqual([
      recipient('msg_1', '02000000000', null),
      recipient('msg_1', '13800000002'),
    ]);
  });

  it('stores a message without recipients', async () => {
    await repo().insert(message('msg_1'), []);
    expect(await allIds()).toEqual(['msg_1']);
    expect(await repo().recipientsOf(['msg_1'])).toEqual([]);
  });

  it('reads the recipients of several messages by message then number; none asked, none read', async () => {
    await repo().insert(message('msg_2'), [recipient('msg_2', '139'), recipient('msg_2', '130')]);
    await repo().insert(message('msg_1'), [recipient('msg_1', '138')]);
    await repo().insert(message('msg_3'), [recipient('msg_3', '137')]);
    const read = await repo().recipientsOf(['msg_2', 'msg_1', 'msg_missing']);
    expect(read.map((r) => [r.messageId, r.msisdn])).toEqual([
      ['msg_1', '138'],
      ['msg_2', '130'],
      ['msg_2', '139'],
    ]);
    expect(await repo().recipientsOf([])).toEqual([]);
  });

  it('writes all of a message or nothing: a failing recipient undoes the message', async () => {
    const error = await repo()
      .insert(message('msg_1'), [
        recipient('msg_1', '138'),
        recipient('msg_1', '139'),
        recipient('msg_1', '138'),
      ])
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(await allIds()).toEqual([]);
    expect(await repo().recipientsOf(['msg_1'])).toEqual([]);
  });

  it('refuses a second message with the same id as a unique violation, the first left as it was', async () => {
    await repo().insert(message('msg_1'), [recipient('msg_1', '138')]);
    const error = await repo()
      .insert(message('msg_1', { text: 'again' }), [recipient('msg_1', '139')])
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(await repo().list({ scope: null }, { limit: 10 })).toEqual([message('msg_1')]);
    expect((await repo().recipientsOf(['msg_1'])).map((r) => r.msisdn)).toEqual(['138']);
  });

  it("undoes a failed insert alone inside a caller's transaction, which goes on and commits", async () => {
    await backend.store.transaction(async (tx) => {
      await tx.messages.insert(message('msg_1'), [recipient('msg_1', '138')]);
      const error = await tx.messages
        .insert(message('msg_2'), [recipient('msg_2', '138'), recipient('msg_2', '138')])
        .catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      await tx.messages.insert(message('msg_3'), [recipient('msg_3', '139')]);
    });
    expect(await allIds()).toEqual(['msg_3', 'msg_1']);
    expect((await repo().recipientsOf(['msg_1', 'msg_2', 'msg_3'])).map((r) => r.messageId)).toEqual([
      'msg_1',
      'msg_3',
    ]);
  });

  it('lists newest first by id (byte order) before the cursor, limit + 1 rows', async () => {
    for (const id of ['msg_b', 'msg_A', 'msg_a', 'msg_B', 'msg_c']) await repo().insert(message(id), []);
    expect(await ids({}, { limit: 2 })).toEqual(['msg_c', 'msg_b', 'msg_a']);
    expect(await ids({}, { limit: 2, cursor: 'msg_a' })).toEqual(['msg_B', 'msg_A']);
    expect(await ids({}, { limit: 2, cursor: 'msg_A' })).toEqual([]);
    // An empty cursor is no cursor, as on SQLite.
    expect(await ids({}, { limit: 0, cursor: '' })).toEqual(['msg_c']);
  });

  it('filters by the exact sending number', async () => {
    await repo().insert(message('msg_1', { fromNumber: '13800000001' }), []);
    await repo().insert(message('msg_2', { fromNumber: '13800000009' }), []);
    await repo().insert(message('msg_3', { fromNumber: 'Alice' }), []);
    expect(await ids({ from: '13800000001' })).toEqual(['msg_1']);
    expect(await ids({ from: '1380000000%' })).toEqual([]);
    expect(await ids({ from: '1380000000_' })).toEqual([]);
    expect(await ids({ from: 'alice' })).toEqual([]);
    expect(await ids({ from: 'Alice' })).toEqual(['msg_3']);
  });

  it('filters by a recipient, not by what was dialled', async () => {
    await repo().insert(message('msg_1', { toDialled: '10086' }), [
      recipient('msg_1', '138'),
      recipient('msg_1', '139'),
    ]);
    await repo().insert(message('msg_2', { toDialled: '138' }), [recipient('msg_2', '137')]);
    await repo().insert(message('msg_3'), [recipient('msg_3', '138')]);
    expect(await ids({ to: '138' })).toEqual(['msg_3', 'msg_1']);
    expect(await ids({ to: '139' })).toEqual(['msg_1']);
    expect(await ids({ to: '13%' })).toEqual([]);
    expect(await ids({ to: '138', from: '13800000001' }, { limit: 1 })).toEqual(['msg_3', 'msg_1']);
    expect(await ids({ to: '138' }, { limit: 5, cursor: 'msg_3' })).toEqual(['msg_1']);
  });

  it("keeps a partner to messages of its groups, the sender's or a recipient's; no groups, no messages", async () => {
    await repo().insert(message('msg_1', { groupId: 'grp_1' }), [recipient('msg_1', '138', null)]);
    await repo().insert(message('msg_2', { groupId: 'grp_2' }), [recipient('msg_2', '139', 'grp_3')]);
    await repo().insert(message('msg_3', { groupId: null }), [recipient('msg_3', '137', 'grp_1')]);
    await repo().insert(message('msg_4', { groupId: null }), [recipient('msg_4', '136', null)]);
    expect(await ids({ scope: new Set(['grp_1']) })).toEqual(['msg_3', 'msg_1']);
    expect(await ids({ scope: new Set(['grp_3']) })).toEqual(['msg_2']);
    expect(await ids({ scope: new Set(['grp_1', 'grp_2']) })).toEqual(['msg_3', 'msg_2', 'msg_1']);
    expect(await ids({ scope: new Set(['grp_1']), to: '139' })).toEqual([]);
    expect(await ids({ scope: new Set(['grp_%']) })).toEqual([]);
    expect(await ids({ scope: new Set() })).toEqual([]);
    expect(await ids({ scope: null })).toEqual(['msg_4', 'msg_3', 'msg_2', 'msg_1']);
  });
});
