import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AnyNumber,
  Id,
  listOf,
  MobileNumber,
  NoContent,
  Pagination,
  problems,
  SearchText,
} from '../http/schemas.js';

const tags = ['conferences'];

const Contact = z
  .object({
    id: z.string(),
    kind: z
      .enum(['member', 'contact'])
      .meta({ description: 'member: a member of the group (read-only here)' }),
    name: z.string(),
    msisdn: z.string().meta({ description: 'E.164' }),
    department: z.string().nullable(),
    note: z.string().nullable(),
    memberId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Contact' });

const ContactInput = z.object({
  name: z.string().trim().min(1).max(100),
  msisdn: AnyNumber,
  department: z.string().trim().max(100).nullable().optional(),
  note: z.string().trim().max(500).nullable().optional(),
});

const ListQuery = Pagination.extend({ q: SearchText.optional() });
const GroupBook = z.object({ groupId: Id });
const GroupEntry = z.object({ groupId: Id, contactId: Id });
const PersonalBook = z.object({ msisdn: MobileNumber });
const PersonalEntry = z.object({ msisdn: MobileNumber, contactId: Id });

/** Address books (通讯录) for conferences: the group's (members + shared contacts) and a person's own. */
const routes: FastifyPluginAsyncZod = async (app) => {
  const { contacts } = app.services;

  app.get(
    '/groups/:groupId/contacts',
    {
      schema: {
        tags,
        operationId: 'listGroupContacts',
        summary:
          "The group's address book: shared external contacts, then the members; q matches name or number",
        params: GroupBook,
        querystring: ListQuery,
        response: { 200: listOf(Contact), ...problems(404) },
      },
    },
    async (request) => {
      const { q, ...page } = request.query;
      return contacts.group.list(request.params.groupId, q, page);
    },
  );

  app.post(
    '/groups/:groupId/contacts',
    {
      schema: {
        tags,
        operationId: 'createGroupContact',
        summary: 'A shared external contact in the group address book',
        params: GroupBook,
        body: ContactInput,
        response: { 201: Contact, ...problems(404, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await contacts.group.create(request.params.groupId, request.body)),
  );

  app.get(
    '/groups/:groupId/contacts/:contactId',
    {
      schema: {
        tags,
        operationId: 'getGroupContact',
        summary: 'Read an external contact of the group',
        params: GroupEntry,
        response: { 200: Contact, ...problems(404) },
      },
    },
    async (request) => contacts.group.get(request.params.groupId, request.params.contactId),
  );

  app.patch(
    '/groups/:groupId/contacts/:contactId',
    {
      // The service names the contact it refuses (a member's id): `params.contactId`.
      config: { paramFields: ['contactId'] },
      schema: {
        tags,
        operationId: 'updateGroupContact',
        summary: 'Change an external contact of the group',
        params: GroupEntry,
        body: ContactInput.partial(),
        response: { 200: Contact, ...problems(404, 409, 422) },
      },
    },
    async (request) => contacts.group.update(request.params.groupId, request.params.contactId, request.body),
  );

  app.delete(
    '/groups/:groupId/contacts/:contactId',
    {
      // The service names the contact it refuses (a member's id): `params.contactId`.
      config: { paramFields: ['contactId'] },
      schema: {
        tags,
        operationId: 'deleteGroupContact',
        summary: 'Delete an external contact of the group',
        params: GroupEntry,
        response: { 204: NoContent, ...problems(404, 422) },
      },
    },
    async (request, reply) => {
      await contacts.group.remove(request.params.groupId, request.params.contactId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/address-books/:msisdn/contacts',
    {
      schema: {
        tags,
        operationId: 'listPersonalContacts',
        summary: "A host's personal address book; q matches name or number",
        params: PersonalBook,
        querystring: ListQuery,
        response: { 200: listOf(Contact), ...problems(404) },
      },
    },
    async (request) => {
      const { q, ...page } = request.query;
      return contacts.personal.list(request.params.msisdn, q, page, request.principal);
    },
  );

  app.post(
    '/address-books/:msisdn/contacts',
    {
      schema: {
        tags,
        operationId: 'createPersonalContact',
        summary: "Add a contact to a person's own address book",
        params: PersonalBook,
        body: ContactInput,
        response: { 201: Contact, ...problems(404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await contacts.personal.create(request.params.msisdn, request.body, request.principal)),
  );

  app.get(
    '/address-books/:msisdn/contacts/:contactId',
    {
      schema: {
        tags,
        operationId: 'getPersonalContact',
        summary: "Read a contact of a person's address book",
        params: PersonalEntry,
        response: { 200: Contact, ...problems(404) },
      },
    },
    async (request) =>
      contacts.personal.get(request.params.msisdn, request.params.contactId, request.principal),
  );

  app.patch(
    '/address-books/:msisdn/contacts/:contactId',
    {
      schema: {
        tags,
        operationId: 'updatePersonalContact',
        summary: "Change a contact of a person's address book",
        params: PersonalEntry,
        body: ContactInput.partial(),
        response: { 200: Contact, ...problems(404, 409) },
      },
    },
    async (request) =>
      contacts.personal.update(
        request.params.msisdn,
        request.params.contactId,
        request.body,
        request.principal,
      ),
  );

  app.delete(
    '/address-books/:msisdn/contacts/:contactId',
    {
      schema: {
        tags,
        operationId: 'deletePersonalContact',
        summary: "Delete a contact of a person's address book",
        params: PersonalEntry,
        response: { 204: NoContent, ...problems(404) },
      },
    },
    async (request, reply) => {
      await contacts.personal.remove(request.params.msisdn, request.params.contactId, request.principal);
      return reply.code(204).send(null);
    },
  );
};

export default routes;
