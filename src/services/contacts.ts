import type { Clock } from '../domain/clock.js';
import { AppError, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { isUniqueViolation } from '../store/constraint-errors.js';
import type { BookOwner, ContactRow } from '../store/contact-repo.js';
import type { MemberRow } from '../store/member-repo.js';
import { type Page, type PageRequest, toPage } from '../store/pagination.js';
import type { Repositories } from '../store/repositories.js';
import type { RoutingDirectory } from '../store/routing-directory/index.js';
import type { Principal } from './api-keys.js';
import type { GroupService } from './groups.js';
import { iso } from './views.js';

export interface ContactInput {
  name: string;
  msisdn: string;
  department?: string | null | undefined;
  note?: string | null | undefined;
}

/** Who a participant picked from an address book is. */
export interface ResolvedContact {
  msisdn: string;
  name: string;
  memberId: string | null;
  groupId: string | null;
}

export function contactView(row: ContactRow) {
  return {
    id: row.id,
    kind: 'contact' as 'contact' | 'member',
    name: row.name,
    msisdn: row.msisdn,
    department: row.department,
    note: row.note,
    memberId: null as string | null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}
export type ContactView = ReturnType<typeof contactView>;

function memberEntry(row: MemberRow): ContactView {
  return {
    id: row.id,
    kind: 'member',
    name: row.name,
    msisdn: row.msisdn,
    department: row.department,
    note: null,
    memberId: row.id,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/**
 * Address books (通讯录) for conferences: a group's book is its members plus the shared external
 * contacts kept under the group; a host's personal book holds their own contacts. Members are
 * managed under /members: in the group book they are read-only entries.
 *
 * Scope: the group book goes with the group (checked by the auth plugin); a partner reaches a
 * personal book only when its owner is a member of one of its groups.
 */
export function createContactService(deps: {
  repos: { contacts: Repositories['contacts']; members: Pick<Repositories['members'], 'list' | 'byId'> };
  groups: Pick<GroupService, 'require'>;
  directory: RoutingDirectory;
  clock: Clock;
}) {
  const { clock } = deps;
  const repo = deps.repos.contacts;
  const memberRepo = deps.repos.members;

  const assertPersonalBook = (ownerMsisdn: string, principal: Principal) => {
    if (principal.kind === 'admin') return;
    const member = deps.directory.membersByMsisdn.get(ownerMsisdn);
    if (member === undefined || !principal.canSee(member.groupId)) throw notFound('address book');
  };

  const assertFree = async (owner: BookOwner, msisdn: string, contactId?: string) => {
    const taken = await repo.byMsisdn(owner, msisdn);
    const member = 'groupId' in owner ? deps.directory.membersByMsisdn.get(msisdn) : undefined;
    const isMember = member !== undefined && 'groupId' in owner && member.groupId === owner.groupId;
    if ((taken !== undefined && taken.id !== contactId) || isMember) {
      const book = 'groupId' in owner ? `group ${owner.groupId}'s address book` : 'this address book';
      throw new AppError(
        'contact_exists',
        `${msisdn} is already in ${book}${isMember ? ' (a member)' : ''}`,
        [{ path: 'msisdn', message: 'already in the address book' }],
      );
    }
  };

  /**
   * Writes a contact whose number passed `assertFree`; when a concurrent writer put the same
   * number in the book first, the database refuses and the check, run again, answers the 409.
   */
  const write = async (owner: BookOwner, row: ContactRow, write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (error) {
      if (isUniqueViolation(error)) await assertFree(owner, row.msisdn, row.id);
      throw error;
    }
  };

  const requireContact = async (owner: BookOwner, contactId: string): Promise<ContactRow> => {
    const row = await repo.get(owner, contactId);
    if (row === undefined) {
      if ('groupId' in owner && (await memberRepo.byId(contactId))?.groupId === owner.groupId) {
        throw new AppError('contact_read_only', 'a member is managed under /groups/{groupId}/members', [
          { path: 'contactId', message: 'a member, not an external contact' },
        ]);
      }
      throw notFound('contact');
    }
    return row;
  };

  const create = async (owner: BookOwner, input: ContactInput): Promise<ContactView> => {
    await assertFree(owner, input.msisdn);
    const now = clock.now();
    const row: ContactRow = {
      id: newId('ctc'),
      groupId: 'groupId' in owner ? owner.groupId : null,
      ownerMsisdn: 'ownerMsisdn' in owner ? owner.ownerMsisdn : null,
      name: input.name,
      msisdn: input.msisdn,
      department: input.department ?? null,
      note: input.note ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await write(owner, row, () => repo.insert(row));
    return contactView(row);
  };

  const update = async (
    owner: BookOwner,
    contactId: string,
    patch: Partial<ContactInput>,
  ): Promise<ContactView> => {
    const row = await requireContact(owner, contactId);
    if (patch.msisdn !== undefined && patch.msisdn !== row.msisdn)
      await assertFree(owner, patch.msisdn, row.id);
    const next: ContactRow = {
      ...row,
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.msisdn === undefined ? {} : { msisdn: patch.msisdn }),
      ...(patch.department === undefined ? {} : { department: patch.department }),
      ...(patch.note === undefined ? {} : { note: patch.note }),
      updatedAt: clock.now(),
    };
    await write(owner, next, () => repo.update(next));
    return contactView(next);
  };

  const remove = async (owner: BookOwner, contactId: string): Promise<void> => {
    await repo.delete((await requireContact(owner, contactId)).id);
  };

  return {
    group: {
      /** Contacts (creation order) then members (creation order): ids sort that way. */
      async list(groupId: string, q: string | undefined, page: PageRequest): Promise<Page<ContactView>> {
        await deps.groups.require(groupId);
        const external = (await repo.list({ groupId }, q, page)).map(contactView);
        const members = (await memberRepo.list(groupId, { q }, page)).map(memberEntry);
        const merged = [...external, ...members]
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .slice(0, page.limit + 1);
        return toPage(merged, page.limit, (entry) => entry);
      },
      async get(groupId: string, contactId: string): Promise<ContactView> {
        await deps.groups.require(groupId);
        const member = await memberRepo.byId(contactId);
        if (member !== undefined && member.groupId === groupId) return memberEntry(member);
        const row = await repo.get({ groupId }, contactId);
        if (row === undefined) throw notFound('contact');
        return contactView(row);
      },
      async create(groupId: string, input: ContactInput): Promise<ContactView> {
        await deps.groups.require(groupId);
        return create({ groupId }, input);
      },
      update: (groupId: string, contactId: string, patch: Partial<ContactInput>) =>
        update({ groupId }, contactId, patch),
      remove: (groupId: string, contactId: string) => remove({ groupId }, contactId),
    },

    personal: {
      async list(ownerMsisdn: string, q: string | undefined, page: PageRequest, principal: Principal) {
        assertPersonalBook(ownerMsisdn, principal);
        return toPage(await repo.list({ ownerMsisdn }, q, page), page.limit, contactView);
      },
      async get(ownerMsisdn: string, contactId: string, principal: Principal): Promise<ContactView> {
        assertPersonalBook(ownerMsisdn, principal);
        const row = await repo.get({ ownerMsisdn }, contactId);
        if (row === undefined) throw notFound('contact');
        return contactView(row);
      },
      async create(ownerMsisdn: string, input: ContactInput, principal: Principal): Promise<ContactView> {
        assertPersonalBook(ownerMsisdn, principal);
        return create({ ownerMsisdn }, input);
      },
      async update(
        ownerMsisdn: string,
        contactId: string,
        patch: Partial<ContactInput>,
        principal: Principal,
      ): Promise<ContactView> {
        assertPersonalBook(ownerMsisdn, principal);
        return update({ ownerMsisdn }, contactId, patch);
      },
      async remove(ownerMsisdn: string, contactId: string, principal: Principal): Promise<void> {
        assertPersonalBook(ownerMsisdn, principal);
        await remove({ ownerMsisdn }, contactId);
      },
    },

    /**
     * A `{contactId}` in a conference's participant list: an entry of the conference's group
     * book (a member or a shared contact) or of the host's personal book; null when neither.
     */
    async resolve(
      contactId: string,
      book: { groupId: string | null; hostMsisdn: string },
    ): Promise<ResolvedContact | null> {
      if (book.groupId !== null) {
        const member = deps.directory.membersById.get(contactId);
        if (member !== undefined && member.groupId === book.groupId) {
          return { msisdn: member.msisdn, name: member.name, memberId: member.id, groupId: member.groupId };
        }
        const shared = await repo.get({ groupId: book.groupId }, contactId);
        if (shared !== undefined) return external(shared);
      }
      const own = await repo.get({ ownerMsisdn: book.hostMsisdn }, contactId);
      return own === undefined ? null : external(own);
    },
  };

  /** An external contact may still be a member somewhere: dial it as that member. */
  function external(row: ContactRow): ResolvedContact {
    const member = deps.directory.membersByMsisdn.get(row.msisdn);
    return {
      msisdn: row.msisdn,
      name: row.name,
      memberId: member?.id ?? null,
      groupId: member?.groupId ?? null,
    };
  }
}

export type ContactService = ReturnType<typeof createContactService>;
