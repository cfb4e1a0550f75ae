import { randomBytes } from 'node:crypto';

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
