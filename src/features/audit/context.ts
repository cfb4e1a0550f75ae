import type { FastifyRequest, FastifySchema } from 'fastify';
import { InternalError } from '../../lib/errors.ts';
import type { AuditRecord } from './writer.ts';

/** Who makes an admin change, as the audit trail records it. */
export interface AuditActor {
  /** the API key that asked; null for the key commands */
  keyId: string | null;
  /** operator | admin | service, or cli for the key commands */
  role: string;
  ip: string | null;
  requestId: string | null;
}

/**
 * One admin change about to be made: who asks, for what, and what the route answers when it
 * succeeds. Routes build it with `changeOf(req)` and hand it to the service, which writes its
 * audit row in the change's own transaction (one row per context: `recorded` says it is written).
 */
export interface ChangeContext {
  readonly actor: AuditActor;
  /** `METHOD /v1/route` as routed (`POST /v1/auth-configs/:id/disable`), or the key command */
  readonly action: string;
  readonly resourceType: string;
  /** the resource the path names; a resource the change creates is named by the service */
  readonly resourceId: string | null;
  /** whose trail the change belongs to; null for operator actions on no tenant in particular */
  readonly tenantId: string | null;
  /** the status the route answers on success (null outside HTTP) */
  readonly status: number | null;
  recorded: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the change context the route built, if any (the audit hook checks it was recorded) */
    auditChange: ChangeContext | null;
  }
}

/** The one 2xx status a route's response schema declares, if exactly one. */
export function successStatus(schema: FastifySchema | undefined): number | undefined {
  const codes = Object.keys((schema?.response as Record<string, unknown> | undefined) ?? {})
    .map(Number)
    .filter((c) => c >= 200 && c < 300);
  return codes.length === 1 ? codes[0] : undefined;
}

const isTenantId = (id: string | null | undefined): id is string => Boolean(id?.startsWith('tn_'));

/** The change context of an admin request, from its verified key, route and path. */
export function changeOf(req: FastifyRequest): ChangeContext {
  const p = req.principal;
  if (!p) throw new InternalError('change_without_actor', `${req.method} ${req.url}: no principal`);
  const url = req.routeOptions.url ?? '';
  const resourceType = url.split('/')[2] ?? 'unknown';
  const resourceId = (req.params as { id?: string } | undefined)?.id ?? null;
  const change: ChangeContext = {
    actor: { keyId: p.keyId, role: p.role, ip: req.ip, requestId: req.id },
    action: `${req.method} ${url}`,
    resourceType,
    resourceId,
    // An operator's change to a tenant (its keys, its data key) belongs to that tenant's trail
    // too: tenants see what was done to them.
    tenantId:
      p.tenantId ?? (resourceType === 'tenants' && isTenantId(resourceId) ? resourceId : null),
    status: successStatus(req.routeOptions.schema) ?? 200,
    recorded: false,
  };
  req.auditChange = change;
  return change;
}

/** A change made by a key command (`npm run keys -- …`): no key, no address, no request. */
export const commandChange = (
  action: string,
  resource: { type: string; id: string | null; tenantId: string | null },
): ChangeContext => ({
  actor: { keyId: null, role: 'cli', ip: null, requestId: null },
  action,
  resourceType: resource.type,
  resourceId: resource.id,
  tenantId: resource.tenantId,
  status: null,
  recorded: false,
});

/**
 * The audit row of a change (never a body, so no secret can reach the trail). `createdId`: the
 * resource the change created, when the path names none; a tenant created by an operator goes
 * to that tenant's trail.
 */
export function auditRecord(change: ChangeContext, createdId?: string): AuditRecord {
  const resourceId = change.resourceId ?? createdId ?? null;
  return {
    tenantId:
      change.tenantId ??
      (change.resourceType === 'tenants' && isTenantId(resourceId) ? resourceId : null),
    actorKeyId: change.actor.keyId,
    actorRole: change.actor.role,
    action: change.action,
    resourceType: change.resourceType,
    resourceId,
    ip: change.actor.ip,
    details:
      change.status === null ? {} : { status: change.status, request_id: change.actor.requestId },
  };
}
