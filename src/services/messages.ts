import type { Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { MessageFilter, MessageRow, RecipientRow } from '../store/message-repo.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import type { Repositories } from '../store/repositories.js';
import type { RoutingDirectory } from '../store/routing-directory/index.js';
import type { Principal } from './api-keys.js';
import { hides, type Reader } from './redaction.js';
import type { RoutingService } from './routing.js';

export interface SendInput {
  /** E.164. */
  from: string;
  /** As dialled. */
  to: string;
  text: string;
  atMs?: number | undefined;
}

/**
 * Short messages (短号短信): routed by the same engine as calls, so a short code, a sub-group
 * code (every member but the sender) and a long number all reach who a call would.
 */
export function createMessageService(deps: {
  repos: Pick<Repositories, 'messages'>;
  routing: Pick<RoutingService, 'decide' | 'answerFor'>;
  directory: RoutingDirectory;
  clock: Clock;
}) {
  const { directory } = deps;
  const repo = deps.repos.messages;

  /**
   * The view maker of messages for `reader`, given their recipients: another tenant's recipient
   * shows its number only (see redaction.ts).
   */
  const views = (reader: Reader, recipientRows: RecipientRow[]) => {
    const recipients = new Map<string, Array<{ msisdn: string; memberId?: string }>>();
    for (const r of recipientRows) {
      const list = recipients.get(r.messageId) ?? [];
      list.push(
        r.memberId && !hides(reader, r.groupId)
          ? { msisdn: r.msisdn, memberId: r.memberId }
          : { msisdn: r.msisdn },
      );
      recipients.set(r.messageId, list);
    }
    return (row: MessageRow) => ({
      id: row.id,
      kind: row.kind,
      from: row.fromNumber,
      to: row.toDialled,
      text: row.text,
      at: new Date(row.at).toISOString(),
      senderDisplay: row.senderDisplay,
      recipients: recipients.get(row.id) ?? [],
    });
  };

  const store = async (reader: Reader, row: MessageRow, recipients: RecipientRow[]) => {
    await repo.insert(row, recipients);
    return views(reader, recipients)(row);
  };

  return {
    async send(principal: Principal, input: SendInput) {
      const atMs = input.atMs ?? deps.clock.now();
      const decision = deps.routing.decide({ from: input.from, to: input.to, service: 'sms', atMs });
      // The refusal's detail is the explanation as this key may read it.
      const seen = deps.routing.answerFor(principal, decision);
      if (decision.decision === 'reject' || decision.decision === 'emergency') {
        const reason = decision.decision === 'emergency' ? 'emergency_number' : decision.reason;
        throw new AppError('sms_unroutable', `${reason}: ${seen.explanation}`, [
          { path: decision.reason === 'caller_suspended' ? 'from' : 'to', message: reason },
        ]);
      }
      const id = newId('msg');
      const targets =
        decision.recipients ??
        (decision.target ? [{ msisdn: decision.target.msisdn, memberId: decision.target.memberId }] : []);
      const recipients: RecipientRow[] = targets.map((t) => ({
        messageId: id,
        msisdn: t.msisdn,
        memberId: t.memberId ?? null,
        groupId: (t.memberId && directory.membersById.get(t.memberId)?.groupId) || null,
      }));
      const sender = directory.membersByMsisdn.get(input.from);
      return store(
        principal,
        {
          id,
          fromNumber: input.from,
          toDialled: input.to,
          text: input.text,
          at: atMs,
          senderDisplay: decision.presentedCallerId,
          groupId: sender?.groupId ?? recipients.find((r) => r.groupId)?.groupId ?? null,
          kind: 'sms',
        },
        recipients,
      );
    },

    /** A platform notice (e.g. a conference's access number and PIN) to one number. */
    async notify(input: {
      from: string;
      to: string;
      text: string;
      atMs: number;
      groupId: string | null;
    }): Promise<void> {
      const id = newId('msg');
      const member = directory.membersByMsisdn.get(input.to);
      await repo.insert(
        {
          id,
          fromNumber: input.from,
          toDialled: input.to,
          text: input.text,
          at: input.atMs,
          senderDisplay: input.from,
          groupId: input.groupId,
          kind: 'notice',
        },
        [{ messageId: id, msisdn: input.to, memberId: member?.id ?? null, groupId: member?.groupId ?? null }],
      );
    },

    async list(
      filter: MessageFilter,
      page: PageRequest,
      reader: Reader,
    ): Promise<Page<ReturnType<ReturnType<typeof views>>>> {
      const rows = await repo.list(filter, page);
      const shown = rows.slice(0, page.limit);
      const recipients = await repo.recipientsOf(shown.map((row) => row.id));
      return toPage(rows, page.limit, views(reader, recipients));
    },
  };
}

export type MessageService = ReturnType<typeof createMessageService>;
