import type { Static } from 'typebox';
import type { JSONWebKeySet } from 'jose';
import type { Change } from '../../db/changes.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { TrustedIssuerRow } from '../../db/schema/index.ts';
import type { PageRequest } from '../../http/pagination.ts';
import type { Clock } from '../../lib/clock.ts';
import { badRequest, conflict, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { tenantUrl, type TenantUrlPolicy } from '../../lib/tenant-urls.ts';
import type { CommitChange } from '../audit/commit.ts';
import type { ChangeContext } from '../audit/context.ts';
import { validatePolicy, type Policy } from '../policies/policy.ts';
import { checkInlineJwks, type JwksCache } from './jwks.ts';
import * as repo from './repo.ts';
import {
  DEFAULT_ALGORITHMS,
  type CreateTrustedIssuerBody,
  type UpdateTrustedIssuerBody,
} from './schemas.ts';

type CreateInput = Static<typeof CreateTrustedIssuerBody>;
type UpdateInput = Static<typeof UpdateTrustedIssuerBody>;

/** A unique index refused the write (two issuers of one kind with one iss in a tenant). */
function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if ((e as { code?: unknown }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const exists = (kind: string, iss: string) =>
  conflict(
    'trusted_issuer_exists',
    `the tenant already trusts a ${kind} issuer with issuer ${JSON.stringify(iss)}`,
  );

/** Tenant admins' trusted issuers: created, changed and deleted as audited admin changes. */
export function createTrustedIssuerService(deps: {
  db: Db;
  clock: Clock;
  commitChange: CommitChange;
  /** the egress check of a URL the vault will call (400 egress_denied) */
  checkUrl: (url: string) => Promise<unknown>;
  urlPolicy: TenantUrlPolicy;
  missingAuthConfigIds(tenantId: string, ids: string[], tx?: DbOrTx): Promise<string[]>;
  jwks: Pick<JwksCache, 'forget'>;
  /** tells this process's caches of a change it made, after the commit */
  announce: (c: Change) => void;
}) {
  const { db, clock } = deps;

  /** The key source: exactly one of a URL (checked against the egress policy now) or a set. */
  async function keySource(
    uri: string | null | undefined,
    jwks: { keys: Record<string, unknown>[] } | null | undefined,
  ) {
    if ((uri ? 1 : 0) + (jwks ? 1 : 0) !== 1)
      throw badRequest('invalid_request', 'body needs exactly one of jwks_uri and jwks');
    if (uri) {
      tenantUrl('body.jwks_uri', uri, deps.urlPolicy);
      await deps.checkUrl(uri);
      return { jwksUri: uri, jwks: null };
    }
    checkInlineJwks(jwks!, 'body.jwks');
    return { jwksUri: null, jwks: jwks as unknown as JSONWebKeySet };
  }

  async function checkConfigs(tenantId: string, ids: string[] | null | undefined, tx: DbOrTx) {
    if (!ids?.length) return;
    const missing = await deps.missingAuthConfigIds(tenantId, ids, tx);
    if (missing.length)
      throw badRequest(
        'auth_config_not_found',
        `body.auth_config_ids: ${missing.join(', ')} not found`,
      );
  }

  const policyOf = (p: Policy | null | undefined) => (p ? validatePolicy(p) : null);
  const announced = (scope: { afterCommit(f: () => void): void }, row: TrustedIssuerRow) => {
    scope.afterCommit(() => {
      deps.jwks.forget(row.id);
      deps.announce({ kind: 'ti', tenantId: row.tenantId, id: row.id });
    });
    return row;
  };

  async function create(tenantId: string, input: CreateInput, change: ChangeContext) {
    const source = await keySource(input.jwks_uri, input.jwks);
    const policy = policyOf(input.policy);
    const now = clock.now();
    try {
      return await deps.commitChange(
        change,
        async (scope) => {
          await checkConfigs(tenantId, input.auth_config_ids, scope.tx);
          if (await repo.findIssuer(scope.tx, tenantId, input.kind, input.issuer))
            throw exists(input.kind, input.issuer);
          const row = await repo.insertIssuer(scope.tx, {
            id: newId('ti', now),
            tenantId,
            name: input.name,
            kind: input.kind,
            issuer: input.issuer,
            ...source,
            audience: input.audience,
            algorithms: input.algorithms ?? DEFAULT_ALGORITHMS,
            clockSkewSeconds: input.clock_skew_seconds ?? 60,
            userClaim: input.user_claim ?? 'sub',
            userIdTemplate: input.user_id_template ?? '{claim}',
            requiredClaims: input.required_claims ?? {},
            authConfigIds: input.auth_config_ids ?? null,
            policy,
            createdAt: now,
            updatedAt: now,
          });
          return announced(scope, row);
        },
        (r) => r.id,
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw exists(input.kind, input.issuer);
      throw err;
    }
  }

  async function get(tenantId: string, id: string) {
    const row = await repo.getIssuer(db, tenantId, id);
    if (!row) throw notFound('trusted_issuer', id);
    return row;
  }

  const list = (tenantId: string, kind: 'user' | 'workload' | undefined, page: PageRequest) =>
    repo.listIssuers(db, tenantId, kind, page.limit, page.cursor);

  async function update(tenantId: string, id: string, input: UpdateInput, change: ChangeContext) {
    const current = await get(tenantId, id);
    const set: repo.IssuerChanges = {};
    if ('jwks_uri' in input || 'jwks' in input) {
      // One replaces the other: naming one (not null) drops the other unless it is named too.
      const uri = 'jwks_uri' in input ? input.jwks_uri : input.jwks ? null : current.jwksUri;
      const jwks =
        'jwks' in input
          ? input.jwks
          : input.jwks_uri
            ? null
            : (current.jwks as unknown as { keys: Record<string, unknown>[] });
      Object.assign(set, await keySource(uri, jwks));
    }
    if (input.name !== undefined) set.name = input.name;
    if (input.audience !== undefined) set.audience = input.audience;
    if (input.algorithms !== undefined) set.algorithms = input.algorithms;
    if (input.clock_skew_seconds !== undefined) set.clockSkewSeconds = input.clock_skew_seconds;
    if (input.user_claim !== undefined) set.userClaim = input.user_claim;
    if (input.user_id_template !== undefined) set.userIdTemplate = input.user_id_template;
    if (input.required_claims !== undefined) set.requiredClaims = input.required_claims;
    if (input.auth_config_ids !== undefined) set.authConfigIds = input.auth_config_ids;
    if (input.policy !== undefined) set.policy = policyOf(input.policy);
    if (input.status !== undefined) set.status = input.status;
    return deps.commitChange(change, async (scope) => {
      await checkConfigs(tenantId, input.auth_config_ids, scope.tx);
      const row = await repo.updateIssuer(scope.tx, tenantId, id, set, clock.now());
      if (!row) throw notFound('trusted_issuer', id);
      return announced(scope, row);
    });
  }

  const remove = (tenantId: string, id: string, change: ChangeContext) =>
    deps.commitChange(change, async (scope) => {
      const row = await repo.deleteIssuer(scope.tx, tenantId, id);
      if (!row) throw notFound('trusted_issuer', id);
      announced(scope, row);
    });

  return { create, get, list, update, remove };
}

export type TrustedIssuerService = ReturnType<typeof createTrustedIssuerService>;
