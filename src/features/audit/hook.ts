import type { FastifyInstance } from 'fastify';
import type { AuditWriter } from './writer.ts';

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/**
 * Records every successful admin change (who: key id; what: route and resource; when; from where)
 * without bodies, so no secret can reach the trail. Token issuance is recorded by the token service
 * with its own details; public routes have no principal and are not admin changes.
 */
export function registerAuditHook(app: FastifyInstance, audit: AuditWriter): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const p = req.principal;
    const url = req.routeOptions.url ?? '';
    if (!p || !MUTATING.has(req.method) || reply.statusCode >= 300 || url.endsWith('/token'))
      return payload;
    let resourceId = (req.params as { id?: string } | undefined)?.id ?? null;
    if (!resourceId && typeof payload === 'string' && payload.startsWith('{')) {
      resourceId = /"id":"([a-z]{2,3}_[0-9a-z]{26})"/.exec(payload)?.[1] ?? null;
    }
    // An operator's change to a tenant (creating it, its keys, rotating its data key) belongs to
    // that tenant's trail too: tenants see what was done to them.
    const tenantId =
      p.tenantId ??
      (url.startsWith('/v1/tenants') && resourceId?.startsWith('tn_') ? resourceId : null);
    audit.record({
      tenantId,
      actorKeyId: p.keyId,
      actorRole: p.role,
      action: `${req.method} ${url}`,
      resourceType: url.split('/')[2] ?? 'unknown',
      resourceId,
      ip: req.ip,
      details: { status: reply.statusCode, request_id: req.id },
    });
    return payload;
  });
}
