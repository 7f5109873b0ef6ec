import { AppError, fieldPath, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Invitee } from '../engines/conference/index.js';
import type { RoutingDirectory } from '../store/routing-directory/index.js';
import type { Principal } from './api-keys.js';
import type { ContactService } from './contacts.js';

/** A participant as the API names one: a number, a member of the group, or an address-book entry. */
export type ParticipantRef = { msisdn: string } | { memberId: string } | { contactId: string };

export interface NewConferenceInput {
  hostMsisdn: string;
  groupId?: string | undefined;
  title?: string | undefined;
  startAtMs?: number | undefined;
  durationMinutes?: number | undefined;
  maxParticipants?: number | undefined;
  pin?: string | undefined;
  endWhenHostLeaves?: boolean | undefined;
  participants: ParticipantRef[];
}

type Invalid = 'unknown_member' | 'unknown_contact';

const invalid = (code: Invalid, path: string, message: string) =>
  new AppError(code, message, [{ path, message }]);

/**
 * Who a conference's people are: a number (a member when the directory knows it), a member of
 * the conference's group, or an entry of the group's or the host's address book; and the
 * checks of a new conference's host, group, list and cap.
 */
export function createParticipantResolver(deps: {
  directory: RoutingDirectory;
  contacts: Pick<ContactService, 'resolve'>;
  defaultMaxParticipants: number;
}) {
  const { directory } = deps;

  function inviteeFields(msisdn: string): Omit<Invitee, 'id'> {
    const member = directory.membersByMsisdn.get(msisdn);
    return member === undefined
      ? { msisdn, memberId: null, groupId: null, name: null }
      : { msisdn, memberId: member.id, groupId: member.groupId, name: member.name };
  }

  /** Who a participant reference names, for the conference's group and host. */
  async function resolve(
    ref: ParticipantRef,
    path: string,
    book: { groupId: string | null; hostMsisdn: string },
  ): Promise<Invitee> {
    if ('msisdn' in ref) return { id: newId('cpt'), ...inviteeFields(ref.msisdn) };
    if ('memberId' in ref) {
      const member = directory.membersById.get(ref.memberId);
      if (member === undefined || member.groupId !== book.groupId) {
        throw invalid(
          'unknown_member',
          fieldPath(path, 'memberId'),
          `no member ${ref.memberId} in the conference's group`,
        );
      }
      return {
        id: newId('cpt'),
        msisdn: member.msisdn,
        memberId: member.id,
        groupId: member.groupId,
        name: member.name,
      };
    }
    const contact = await deps.contacts.resolve(ref.contactId, book);
    if (contact === null) {
      throw invalid(
        'unknown_contact',
        fieldPath(path, 'contactId'),
        `no contact ${ref.contactId} in the group's or the host's address book`,
      );
    }
    return { id: newId('cpt'), ...contact };
  }

  /**
   * A new conference's people: the group billed (the host's, or the one named for a host
   * outside every group), the host, the participants (each once), within the cap. A partner
   * key must find the host or a participant in its groups (403).
   */
  async function resolveNew(input: NewConferenceInput, principal: Principal) {
    const hostMember = directory.membersByMsisdn.get(input.hostMsisdn);
    if (
      input.groupId !== undefined &&
      (!directory.groups.has(input.groupId) || !principal.canSee(input.groupId))
    ) {
      throw notFound('group');
    }
    if (input.groupId !== undefined && hostMember !== undefined && hostMember.groupId !== input.groupId) {
      throw new AppError('host_outside_group', `the host ${input.hostMsisdn} is a member of another group`, [
        { path: 'groupId', message: "not the host's group" },
      ]);
    }
    const groupId = input.groupId ?? hostMember?.groupId ?? null;
    const book = { groupId, hostMsisdn: input.hostMsisdn };
    const host: Invitee = { id: newId('cpt'), ...inviteeFields(input.hostMsisdn) };
    const seen = new Map<string, string>([[host.msisdn, 'hostMsisdn']]);
    // One after the other: the first invalid reference is the one reported, as before.
    const invitees: Invitee[] = [];
    for (const [i, ref] of input.participants.entries()) {
      const path = `participants.${i}`;
      const invitee = await resolve(ref, path, book);
      const first = seen.get(invitee.msisdn);
      if (first !== undefined) {
        // The message names the first listing's path: it moves with the paths.
        throw AppError.naming('duplicate_participant', (pathOf) => {
          const message = `${invitee.msisdn} is already in the list (${pathOf(first)})`;
          return { detail: message, errors: [{ path: pathOf(path), message }] };
        });
      }
      seen.set(invitee.msisdn, path);
      invitees.push(invitee);
    }
    const maxParticipants = input.maxParticipants ?? deps.defaultMaxParticipants;
    if (invitees.length + 1 > maxParticipants) {
      throw new AppError(
        'too_many_participants',
        `${invitees.length + 1} with the host, over maxParticipants ${maxParticipants}`,
        [{ path: 'participants', message: `at most ${maxParticipants - 1} besides the host` }],
      );
    }
    if (principal.kind === 'partner') {
      const groups = [groupId, host.groupId, ...invitees.map((i) => i.groupId)];
      if (!groups.some((g) => g !== null && principal.canSee(g))) {
        throw new AppError(
          'out_of_scope',
          'neither the host nor any participant belongs to a group of this API key',
        );
      }
    }
    return { groupId, host, invitees, maxParticipants };
  }

  return { inviteeFields, resolve, resolveNew };
}
