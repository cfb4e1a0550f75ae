import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, loggableError } from '../db/errors.ts';
import { AppError, InternalError, unavailable } from '../lib/errors.ts';
import { loggableUrl } from '../lib/logger.ts';

interface Problem {
  type: string;
  code: string;
  status: number;
  title: string;
  detail: string;
  request_id: string;
  [extra: string]: unknown;
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, err: AppError): FastifyReply {
  const body: Problem = {
    type: `about:blank`,
    ...err.extra,
    code: err.code,
    status: err.status,
    title: err.title,
    detail: err.detail,
    request_id: req.id,
  };
  if (err.retryable && !reply.hasHeader('retry-after')) {
    const after = err.extra.retry_after_seconds;
    reply.header('retry-after', String(typeof after === 'number' ? after : 1));
  }
  return reply.code(err.status).type('application/problem+json').send(body);
}

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** ajv's errors as "body.client_id is required" / "body has unknown field \"x\"". */
export function describeValidation(
  part: string,
  issues: ValidationIssue[],
): { field: string; message: string }[] {
  return issues.map((i) => {
    const path = [part, ...i.instancePath.split('/').filter(Boolean)].join('.');
    switch (i.keyword) {
      case 'required':
        return { field: `${path}.${String(i.params.missingProperty)}`, message: 'is required' };
      case 'additionalProperties':
        return {
          field: `${path}.${String(i.params.additionalProperty)}`,
          message: 'is not a known field',
        };
      case 'enum':
        return {
          field: path,
          message: `must be one of ${(i.params.allowedValues as unknown[]).join(', ')}`,
        };
      default:
        return { field: path, message: i.message ?? 'is invalid' };
    }
  });
}

// Fastify's own 4xx codes, mapped to stable codes of ours.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
};

export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) =>
    sendProblem(
      reply,
      req,
      new AppError(
        'route_not_found',
        404,
        'Not found',
        `no route ${req.method} ${loggableUrl(req.url)}`,
      ),
    ),
  );

  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    if (err instanceof InternalError) {
      req.log.error({ code: err.code, internal: err.internal }, 'internal error');
      return sendProblem(reply, req, err);
    }
    if (err instanceof AppError) return sendProblem(reply, req, err);
    const fe = err as FastifyError & { validationContext?: string };
    if (fe.validation) {
      const issues = describeValidation(
        fe.validationContext ?? 'request',
        fe.validation as ValidationIssue[],
      );
      const detail = issues.map((i) => `${i.field} ${i.message}`).join('; ');
      return sendProblem(
        reply,
        req,
        new AppError('invalid_request', 400, 'Invalid request', detail, { errors: issues }),
      );
    }
    if (
      fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      (fe instanceof SyntaxError && fe.statusCode === 400)
    ) {
      return sendProblem(
        reply,
        req,
        new AppError('invalid_json', 400, 'Invalid JSON', 'the body is not valid JSON'),
      );
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code =
        (fe.code && FASTIFY_CODES[fe.code]) || (status === 429 ? 'rate_limited' : 'bad_request');
      // Fastify's 4xx messages describe the request, never our internals.
      return sendProblem(reply, req, new AppError(code, status, 'Bad request', fe.message));
    }
    if (isDatabaseUnavailable(err)) {
      req.log.warn({ err: loggableError(err) }, 'database unavailable');
      return sendProblem(
        reply.header('retry-after', '2'),
        req,
        unavailable('The database is unavailable; retry shortly'),
      );
    }
    req.log.error({ err: loggableError(err) }, 'unhandled error');
    return sendProblem(
      reply,
      req,
      new AppError(
        'internal_error',
        500,
        'Internal error',
        'An internal error occurred; see the request id in the logs',
      ),
    );
  });
}
