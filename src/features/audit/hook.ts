import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import { auditRecord, changeOf, successStatus } from './context.ts';
import type { AuditWriter } from './writer.ts';

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * How an admin change on this route is audited; every route with roles and a mutating method
     * says so, or the app does not start:
     * - `change`: the route hands `changeOf(req)` to its service, which writes the row in the
     *   change's own transaction;
     * - `after`: long, resumable operations that commit in batches of their own (key rotation):
     *   the row is written once the handler has succeeded;
     * - `false`: not an admin change (token issuance and proxied calls are counted by their
     *   services).
     */
    audit?: 'change' | 'after' | false;
  }
}

/**
 * Every successful admin change is one audit row (who: key id and role; what: route and resource;
 * when; from where; never a body, so no secret can reach the trail); a change that fails writes
 * nothing. The declaration is checked when routes are registered, so a forgotten one fails at boot.
 */
export function registerAuditedChanges(app: FastifyInstance, audit: Pick<AuditWriter, 'change'>) {
  app.decorateRequest('auditChange', null);
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    const cfg = route.config as
      { roles?: unknown[]; audit?: 'change' | 'after' | false } | undefined;
    if (!cfg?.roles || !methods.some((m) => MUTATING.has(m))) return;
    const name = `${methods.join(',')} ${route.url}`;
    if (cfg.audit === undefined) {
      throw new Error(
        `route ${name} changes something but declares no config.audit ('change', 'after' or false)`,
      );
    }
    if (cfg.audit === false) return;
    // The row records what the route answers: one success status, known before it answers.
    if (successStatus(route.schema) === undefined)
      throw new Error(`route ${name} is audited but its response schema has no single 2xx status`);
    const handler = route.handler as RouteHandlerMethod;
    if (cfg.audit === 'after') {
      route.handler = async function (this: FastifyInstance, req, reply) {
        const result = await handler.call(this, req, reply);
        await audit.change(auditRecord(changeOf(req)));
        return result;
      };
      return;
    }
    route.handler = async function (this: FastifyInstance, req, reply) {
      const result = await handler.call(this, req, reply);
      // The change committed without its row: a route that forgot to pass changeOf(req). The
      // tests sweep every audited route; this says so should one slip through.
      if (!req.auditChange?.recorded)
        req.log.error({ action: name }, 'admin change answered without its audit row');
      return result;
    };
  });
}
