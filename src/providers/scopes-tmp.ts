import { closest } from 'fastest-levenshtein';
const L = [
  'read:jira-work',
  'write:jira-work',
  'read:jira-user',
  'read:issue:jira',
  'offline_access',
  'read:me',
  'read:confluence-content.all',
];
export const ATLASSIAN_SCOPES: ReadonlySet<string> = new Set(L);
export const ATLASSIAN_IMPLICIT_SCOPES: readonly string[] = ['offline_access', 'read:me'];
export const isKnownAtlassianScope = (s: string) => ATLASSIAN_SCOPES.has(s);
export const nearestAtlassianScope = (s: string) => closest(s, L);
