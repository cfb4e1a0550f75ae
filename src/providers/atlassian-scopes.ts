// Catalog of known Atlassian OAuth 2.0 (3LO) scopes, used to check the scopes an admin registers on
// an auth config and to suggest the nearest known scope for a typo. The data, and where it came
// from, is in atlassian-scopes.data.ts.
import { closest } from 'fastest-levenshtein';
import {
  CONFLUENCE_CLASSIC_SCOPES,
  CONFLUENCE_GRANULAR_SCOPES,
  JIRA_CLASSIC_SCOPES,
  JIRA_GRANULAR_SCOPES,
  JIRA_SERVICE_MANAGEMENT_CLASSIC_SCOPES,
  JIRA_SERVICE_MANAGEMENT_GRANULAR_SCOPES,
  JIRA_SOFTWARE_GRANULAR_SCOPES,
  OFFLINE_ACCESS_SCOPES,
  USER_IDENTITY_SCOPES,
} from './atlassian-scopes.data.ts';

/** Every known scope, in group order (duplicates across groups would collapse here). */
const ALL: readonly string[] = [
  ...OFFLINE_ACCESS_SCOPES,
  ...USER_IDENTITY_SCOPES,
  ...JIRA_CLASSIC_SCOPES,
  ...JIRA_GRANULAR_SCOPES,
  ...JIRA_SOFTWARE_GRANULAR_SCOPES,
  ...JIRA_SERVICE_MANAGEMENT_CLASSIC_SCOPES,
  ...JIRA_SERVICE_MANAGEMENT_GRANULAR_SCOPES,
  ...CONFLUENCE_CLASSIC_SCOPES,
  ...CONFLUENCE_GRANULAR_SCOPES,
];

export const ATLASSIAN_SCOPES: ReadonlySet<string> = new Set(ALL);

/** Scopes the vault adds to every authorize request itself: a refresh token and the profile. */
export const ATLASSIAN_IMPLICIT_SCOPES: readonly string[] = ['offline_access', 'read:me'];

/** Sorted once, so that a tie in edit distance goes to the alphabetically first scope. */
const SORTED: readonly string[] = [...ATLASSIAN_SCOPES].sort();

/** Exact match: scope strings are case-sensitive. */
export function isKnownAtlassianScope(scope: string): boolean {
  return ATLASSIAN_SCOPES.has(scope);
}

/**
 * The known scope closest to `scope` by Levenshtein distance (compared trimmed and lower-cased),
 * for "did you mean" messages. Ties go to the alphabetically first scope, so the answer does not
 * depend on the order of the data.
 */
export function nearestAtlassianScope(scope: string): string {
  const s = scope.trim().toLowerCase();
  if (ATLASSIAN_SCOPES.has(s)) return s;
  // `closest` keeps the first of equally distant candidates; SORTED makes that the smallest.
  return closest(s, SORTED);
}
