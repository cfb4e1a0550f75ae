import type { Db, DbOrTx } from '../../db/client.ts';
import type { LinkKeys } from '../../crypto/link-keys.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { signLink } from './link-token.ts';
import * as repo from './repo.ts';

/** Issues single-use, expiring connect links: a session row plus a signed JWT naming it. */
export function createLinkService(deps: {
  db: Db;
  clock: Clock;
  linkKeys: LinkKeys;
  publicUrl: string;
  ttlSeconds: number;
}) {
  async function issueLink(
    p: { tenantId: string; accountId: string; returnUrl: string | null },
    tx: DbOrTx = deps.db,
  ) {
    const now = deps.clock.now();
    const expiresAt = new Date(now.getTime() + deps.ttlSeconds * 1000);
    const session = await repo.insertSession(tx, {
      id: newId('cs', now),
      tenantId: p.tenantId,
      accountId: p.accountId,
      returnUrl: p.returnUrl,
      linkExpiresAt: expiresAt,
      createdAt: now,
      updatedAt: now,
    });
    const jwt = await signLink(
      deps.linkKeys,
      { accountId: p.accountId, tenantId: p.tenantId, sessionId: session.id },
      now,
      deps.ttlSeconds,
    );
    return { url: `${deps.publicUrl}/v1/connect/${jwt}`, expiresAt };
  }
  return { issueLink };
}

export type LinkService = ReturnType<typeof createLinkService>;
