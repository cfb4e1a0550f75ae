import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distance } from 'fastest-levenshtein';
import {
  ATLASSIAN_IMPLICIT_SCOPES,
  ATLASSIAN_SCOPES,
  isKnownAtlassianScope,
  nearestAtlassianScope,
} from '../../src/providers/atlassian-scopes.ts';
import * as data from '../../src/providers/atlassian-scopes.data.ts';

const groups = Object.entries(data) as [string, readonly string[]][];
const all = groups.flatMap(([, scopes]) => scopes);

test('classic scopes of each product are known', () => {
  for (const scope of [
    'read:jira-work',
    'write:jira-work',
    'read:jira-user',
    'manage:jira-project',
    'manage:jira-configuration',
    'manage:jira-webhook',
    'manage:jira-data-provider',
    'read:servicedesk-request',
    'write:servicedesk-request',
    'manage:servicedesk-customer',
    'read:servicemanagement-insight-objects',
    'read:confluence-content.all',
    'write:confluence-content',
    'read:confluence-space.summary',
    'search:confluence',
    'readonly:content.attachment:confluence',
  ]) {
    assert.ok(isKnownAtlassianScope(scope), scope);
  }
});

test('granular scopes of each product are known', () => {
  for (const scope of [
    'read:issue:jira',
    'write:issue:jira',
    'delete:issue:jira',
    'read:comment:jira',
    'write:comment:jira',
    'read:project:jira',
    'read:issue-details:jira',
    'read:jql:jira',
    'validate:jql:jira',
    'read:board-scope:jira-software',
    'read:board-scope.admin:jira-software',
    'read:sprint:jira-software',
    'read:dev-info:jira',
    'read:request:jira-service-management',
    'read:organization:entitlement:jira-service-management',
    'read:page:confluence',
    'write:page:confluence',
    'read:space:confluence',
    'read:attachment:confluence',
    'read:app-data:confluence',
  ]) {
    assert.ok(isKnownAtlassianScope(scope), scope);
  }
});

test('authorize-only and user identity scopes are known, the implicit ones among them', () => {
  for (const scope of ['offline_access', 'read:me', 'read:account']) {
    assert.ok(isKnownAtlassianScope(scope), scope);
  }
  assert.deepEqual(ATLASSIAN_IMPLICIT_SCOPES, ['offline_access', 'read:me']);
  for (const scope of ATLASSIAN_IMPLICIT_SCOPES) assert.ok(ATLASSIAN_SCOPES.has(scope));
});

test('unknown scopes are rejected, and matching is exact', () => {
  for (const scope of [
    '',
    'read',
    'read:jira',
    'read:jira-wrok',
    'read:issue:jiraa',
    'READ:JIRA-WORK',
    ' read:jira-work',
    'read:issues:jira',
    'read:page:jira',
    'write:confluence-content.all',
    'offline',
    'openid',
  ]) {
    assert.equal(isKnownAtlassianScope(scope), false, JSON.stringify(scope));
  }
});

test('a typo maps to the intended scope', () => {
  assert.equal(nearestAtlassianScope('read:jira-wrok'), 'read:jira-work');
  assert.equal(nearestAtlassianScope('read:issue:jiraa'), 'read:issue:jira');
  assert.equal(nearestAtlassianScope('write:confluence-contnet'), 'write:confluence-content');
  assert.equal(nearestAtlassianScope('read:sprint:jira-sofware'), 'read:sprint:jira-software');
  assert.equal(nearestAtlassianScope('ofline_access'), 'offline_access');
  assert.equal(nearestAtlassianScope(' READ:Jira-Work '), 'read:jira-work');
});

test('a known scope is its own nearest scope', () => {
  for (const scope of ATLASSIAN_SCOPES) assert.equal(nearestAtlassianScope(scope), scope);
});

test('ties go to the alphabetically first of the equally near scopes', () => {
  // Equally near to read:confluence-props (listed first in the data) and read:confluence-groups.
  assert.equal(nearestAtlassianScope('read:confluence-gro'), 'read:confluence-groups');
  for (const input of ['read:confluence-gro', 'write:confluence-gro', 'read:x:jira', 'xyz']) {
    const best = Math.min(...[...ATLASSIAN_SCOPES].map((s) => distance(input, s)));
    const tied = [...ATLASSIAN_SCOPES].filter((s) => distance(input, s) === best).sort();
    assert.equal(nearestAtlassianScope(input), tied[0], input);
  }
});

test('every entry is a well-formed scope, with no duplicates within or across groups', () => {
  assert.ok(groups.length >= 9);
  for (const [name, scopes] of groups) {
    assert.ok(scopes.length > 0, name);
    for (const scope of scopes) {
      assert.match(scope, /^[a-z-]+(:[a-z0-9.-]+)+$|^offline_access$/, `${name}: ${scope}`);
    }
  }
  const seen = new Set<string>();
  const dupes = all.filter((s) => seen.has(s) || !seen.add(s));
  assert.deepEqual(dupes, []);
  assert.equal(ATLASSIAN_SCOPES.size, all.length);
});

test('each group holds only its own product and kind', () => {
  const suffix = (s: string) => s.split(':').at(-1);
  for (const s of data.JIRA_GRANULAR_SCOPES) assert.equal(suffix(s), 'jira', s);
  for (const s of data.CONFLUENCE_GRANULAR_SCOPES) assert.equal(suffix(s), 'confluence', s);
  for (const s of data.JIRA_SERVICE_MANAGEMENT_GRANULAR_SCOPES) {
    assert.equal(suffix(s), 'jira-service-management', s);
  }
  for (const s of data.JIRA_SOFTWARE_GRANULAR_SCOPES) assert.match(s, /:jira(-software)?$/, s);
  // Classic scopes have a single colon, apart from Confluence's attachment download scope.
  for (const s of [...data.JIRA_CLASSIC_SCOPES, ...data.JIRA_SERVICE_MANAGEMENT_CLASSIC_SCOPES]) {
    assert.equal(s.split(':').length, 2, s);
  }
  for (const s of data.CONFLUENCE_CLASSIC_SCOPES) {
    if (s !== 'readonly:content.attachment:confluence') assert.equal(s.split(':').length, 2, s);
  }
});
