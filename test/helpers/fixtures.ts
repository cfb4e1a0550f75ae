import { randomBytes } from 'node:crypto';

/**
 * A host for tenant URLs a test saves but never calls. A vault without ALLOW_PRIVATE_EGRESS refuses
 * a name that does not resolve (like one resolving to a private address), and the test machine may
 * have no DNS at all: a public address (example.com's) needs none.
 */
export const PUBLIC_HOST = '93.184.215.14';

/** A client secret unique to the test, long enough that any leak of it is unmistakable. */
export const uniqueSecret = () => `cs-${randomBytes(24).toString('hex')}`;

export const atlassianConfig = (over: Record<string, unknown> = {}) => ({
  name: 'Jira app',
  provider: 'atlassian',
  client_id: `client-${randomBytes(6).toString('hex')}`,
  client_secret: uniqueSecret(),
  scopes: ['read:jira-work', 'read:jira-user'],
  allowed_return_urls: ['https://app.example.com/connected'],
  ...over,
});
