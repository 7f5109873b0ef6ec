import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, describeIssues, ERRORS, type ErrorCode, type FieldIssue } from '../domain/errors.js';
import { requestPathOf } from './field-paths.js';

/**
 * Maps every error to RFC 9457 problem+json: `{type, title, status, detail, code, errors?}`.
 * Domain errors come from the catalogue; Fastify's own errors are mapped by their codes; anything
 * else is a 500 whose detail stays in the log, never in the answer.
 */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed_body',
  FST_ERR_VALIDATION: 'validation_failed',
  FST_ERR_BAD_URL: 'malformed_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
  FST_ERR_HANDLER_TIMEOUT: 'deadline_exceeded',
};

/** Expected answers of a busy or stopping service: logging each would add to the load. */
const UNLOGGED: ReadonlySet<ErrorCode> = new Set(['overloaded', 'shutting_down']);

export const PROBLEM_TYPE_BASE = 'https://telecom-sim.example/problems/';

export function problemBody(code: ErrorCode, detail: string, errors?: FieldIssue[]): Record<string, unknown> {
  const { status, title } = ERRORS[code];
  const body: Record<string, unknown> = { type: `${PROBLEM_TYPE_BASE}${code}`, title, status, detail, code };
  if (errors && errors.length > 0) body.errors = errors;
  return body;
}

export function sendProblem(
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  errors?: FieldIssue[],
): FastifyReply {
  return reply
    .code(ERRORS[code].status)
    .type('application/problem+json')
    .send(problemBody(code, detail, errors));
}

function toProblem(
  error: FastifyError | AppError | Error,
  request: FastifyRequest,
): {
  code: ErrorCode;
  detail: string;
  errors?: FieldIssue[];
} {
  if (error instanceof AppError) {
    const located = error.withPaths(requestPathOf(request));
    return { code: located.code, detail: located.message, errors: located.errors };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as FastifyError).validationContext ?? 'body';
    const errors = error.validation.map((issue) => ({
      path: [context, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: issue.message ?? 'invalid',
    }));
    return { code: 'validation_failed', detail: `invalid ${context}: ${describeIssues(errors)}`, errors };
  }
  const fastifyCode = (error as FastifyError).code;
  const mapped = fastifyCode ? FASTIFY_CODES[fastifyCode] : undefined;
  if (mapped === 'unsupported_media_type') {
    return {
      code: mapped,
      detail: `${request.headers['content-type'] ?? 'a body without a content type'} is not accepted: send application/json`,
    };
  }
  if (mapped) return { code: mapped, detail: error.message };
  const status = (error as FastifyError).statusCode;
  if (status === 400) return { code: 'malformed_body', detail: error.message };
  return { code: 'internal_error', detail: 'the server failed to answer; the error is logged' };
}

async function problemDetails(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, 'response did not match its schema');
      return sendProblem(reply, 'internal_error', 'the server failed to answer; the error is logged');
    }
    const problem = toProblem(error, request);
    if (ERRORS[problem.code].status >= 500 && !UNLOGGED.has(problem.code)) {
      request.log.error({ err: error }, 'unhandled error');
    }
    return sendProblem(reply, problem.code, problem.detail, problem.errors);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, 'route_not_found', `no endpoint ${request.method} ${request.url.split('?')[0]}`),
  );
}

export default fp(problemDetails, { name: 'problem-details', fastify: '5.x' });
