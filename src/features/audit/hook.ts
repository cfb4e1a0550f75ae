import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { ScopedDb } from '../../db/scoped.ts';
import type { AuditWriter } from './writer.ts';

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * How an admin change on this route is audited: by default in the change's own transaction;
     * `after` for long, resumable operations that commit in batches of their own (key rotation);
     * `false` for routes that are not admin changes (token issuance is counted by its service).
     */
    audit?: 'after' | false;
  }
}

function record(req: FastifyRequest, reply: FastifyReply, result: unknown) {
  const p = req.principal!;
  const url = req.routeOptions.url ?? '';
  const resourceId =
    (req.params as { id?: string } | undefined)?.id ??
    ((result as { id?: unknown } | null)?.id as string | undefined) ??
    null;
  // An operator's change to a tenant (creating it, its keys, rotating its data key) belongs to
  // that tenant's trail too: tenants see what was done to them.
  const tenantId =
    p.tenantId ??
    (url.startsWith('/v1/tenants') && resourceId?.startsWith('tn_') ? resourceId : null);
  return {
    tenantId,
    actorKeyId: p.keyId,
    actorRole: p.role,
    action: `${req.method} ${url}`,
    resourceType: url.split('/')[2] ?? 'unknown',
    resourceId,
    ip: req.ip,
    details: { status: reply.statusCode, request_id: req.id },
  };
}

/**
 * Every successful admin change is one audit row (who: key id and role; what: route and resource;
 * when; from where; never a body, so no secret can reach the trail), written in the same
 * transaction as the change: the route's handler runs inside a request transaction that every
 * service joins, and the row is inserted before it commits. A change that fails writes nothing.
 */
export function registerAuditedChanges(app: FastifyInstance, audit: AuditWriter, scoped: ScopedDb) {
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    const cfg = route.config as { roles?: unknown[]; audit?: 'after' | false } | undefined;
    if (!cfg?.roles || cfg.audit === false || !methods.some((m) => MUTATING.has(m))) return;
    const handler = route.handler as RouteHandlerMethod;
    route.handler = async function (this: FastifyInstance, req, reply) {
      if (cfg.audit === 'after') {
        const result = await handler.call(this, req, reply);
        await audit.change(record(req, reply, result));
        return result;
      }
      return scoped.run(async () => {
        const result = await handler.call(this, req, reply);
        // Handlers return their body: nothing may be sent before the transaction commits.
        if (reply.sent) throw new Error(`${req.method} ${req.url}: replied inside its transaction`);
        await audit.change(record(req, reply, result));
        return result;
      });
    };
  });
}
