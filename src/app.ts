import { randomBytes } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Deps } from './deps.ts';
import { apiKeyRoutes } from './features/api-keys/routes.ts';
import { operatorKeyRoutes } from './features/api-keys/operator-routes.ts';
import { registerAuditedChanges } from './features/audit/hook.ts';
import { auditRoutes } from './features/audit/routes.ts';
import { authConfigRoutes } from './features/auth-configs/routes.ts';
import { connectRoutes } from './features/connect/routes.ts';
import { connectedAccountRoutes } from './features/connected-accounts/routes.ts';
import { keyRotationRoutes } from './features/data-keys/routes.ts';
import { eventRoutes } from './features/events/routes.ts';
import { healthRoutes } from './features/health/routes.ts';
import { tenantRoutes } from './features/tenants/routes.ts';
import { tokenRoutes } from './features/tokens/routes.ts';
import { proxyRoutes } from './features/proxy/routes.ts';
import { proxyTokenRoutes } from './features/proxy-tokens/routes.ts';
import { tokenExchangeRoutes } from './features/token-exchange/routes.ts';
import { trustedIssuerRoutes } from './features/trusted-issuers/routes.ts';
import { registerAuth } from './http/auth.ts';
import { registerErrorHandling } from './http/problem.ts';
import { createLimiter, registerRateLimits } from './http/rate-limit.ts';
import { rejectUnstorableText } from './http/text.ts';
import { AppError } from './lib/errors.ts';
import { sendProblem } from './http/problem.ts';
import { ProblemSchema } from './http/schemas.ts';
import { lazyChild, type Logger } from './lib/logger.ts';
import { fastifyTrustProxy } from './lib/trust-proxy.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const REQ_PREFIX = randomBytes(4).toString('hex');
let reqCounter = 0;

function makeAjv(coerce: boolean) {
  // Bodies are strict: no type coercion, unknown fields rejected (never silently dropped).
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats.default(ajv);
  return ajv;
}

/** Builds the HTTP app from its dependencies; no I/O happens here. */
/** `health` serves only /healthz and /readyz (the worker role's probe endpoints). */
export async function buildApp(
  deps: Deps,
  opts: { routes?: 'all' | 'health' } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    requestIdHeader: false,
    childLoggerFactory: (logger, bindings, opts) =>
      lazyChild(logger as Logger, bindings, opts as { level?: string }) as FastifyBaseLogger,
    genReqId: (req) => {
      // A process-unique id without a random draw per request: a random prefix and a counter.
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given)
        ? given
        : `req_${REQ_PREFIX}${(++reqCounter).toString(36).padStart(6, '0')}`;
    },
    bodyLimit: 64 * 1024,
    // Whose X-Forwarded-For names the client: req.ip is what rate limits, failed-authentication
    // counts and the audit trail record.
    trustProxy: fastifyTrustProxy(deps.config.trustProxy),
    requestTimeout: deps.config.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: deps.config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    // An idle socket (no bytes either way) is closed once neither a request nor keep-alive waits.
    connectionTimeout:
      Math.max(deps.config.HTTP_REQUEST_TIMEOUT_MS, deps.config.HTTP_KEEP_ALIVE_TIMEOUT_MS) + 5_000,
    // Node checks the request and header deadlines on this interval (default 30 s).
    http: {
      headersTimeout: deps.config.HTTP_HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: 1_000,
    },
    // connect links carry a JWT in the path
    routerOptions: { maxParamLength: 2048 },
    // The router's own refusals (undecodable or oversized path segments) are problem+json too.
    frameworkErrors: (err, req, reply) =>
      sendProblem(
        reply.header('x-request-id', req.id),
        req,
        new AppError(
          'invalid_request',
          err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400,
          'Bad request',
          err.message,
        ),
      ),
  }).withTypeProvider<TypeBoxTypeProvider>();

  const bodyAjv = makeAjv(false);
  const paramAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema),
  );
  // A POST without a body means "no options": validate it as {} (e.g. the token endpoints).
  // Text PostgreSQL cannot store (NUL, unpaired surrogates) is refused here, once, for every route.
  // Hooks on every request are written callback-style: no promise per request.
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.body === undefined && req.routeOptions.schema?.body) req.body = {};
    try {
      rejectUnstorableText('body', req.body);
      rejectUnstorableText('query', req.query);
      rejectUnstorableText('params', req.params);
    } catch (err) {
      return done(err as Error);
    }
    done();
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    done(null, payload);
  });

  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'credential-vault',
        version: '0.1.0',
        description:
          'Multi-tenant OAuth credential vault: auth configs, connected accounts and fresh access tokens.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'cvk_… API key' },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _base, _frag, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The docs page loads only its own scripts and styles, and is never framed.
    uiHooks: {
      onRequest: (_req, reply, done) => {
        reply.headers({
          'content-security-policy':
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
          'x-frame-options': 'DENY',
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
        });
        done();
      },
    },
  });

  registerErrorHandling(app);
  // Authentication first, then the request limits, which count on the verified key.
  const limiter = createLimiter(deps.clock, {
    perKey: deps.config.RATE_LIMIT_PER_KEY,
    perIp: deps.config.RATE_LIMIT_PER_IP,
    failuresPerIp: deps.config.AUTH_FAILURES_PER_IP,
  });
  registerAuth(app, deps.services.apiKeys, limiter, deps.services.proxyTokens);
  registerRateLimits(app, limiter);

  const { services, config } = deps;
  await app.register(
    healthRoutes({ ping: deps.database.ping, problem: services.unwrapCheck.check }),
  );
  if (opts.routes === 'health') return app;
  registerAuditedChanges(app, services.auditWriter);
  await app.register(tenantRoutes(services.tenants));
  await app.register(apiKeyRoutes(services.apiKeys));
  await app.register(operatorKeyRoutes(services.apiKeys));
  await app.register(authConfigRoutes(services.authConfigs));
  await app.register(connectedAccountRoutes(services.accounts));
  await app.register(
    connectRoutes(services.connect, { secureCookies: config.PUBLIC_URL.startsWith('https:') }),
  );
  await app.register(tokenRoutes(services.tokens, deps.metrics, services.policies));
  await app.register(proxyRoutes(services.proxy, deps.metrics));
  await app.register(trustedIssuerRoutes(services.trustedIssuers));
  await app.register(proxyTokenRoutes(services.proxyTokens, services.tokens));
  await app.register(
    tokenExchangeRoutes(services.tokenExchange, { keys: services.apiKeys, limiter }),
  );
  await app.register(eventRoutes(services.events));
  await app.register(auditRoutes(services.auditTrail));
  await app.register(keyRotationRoutes(services.rotation, services.tenants.getTenant));
  return app;
}
