// The proxy rules' matching, without I/O: `*` one segment, `**` any number of them, literal
// segments exactly, GET allowing HEAD, and every method of a call (overrides included) checked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  allowsCall,
  effectivePolicy,
  pathMatches,
  validatePolicy,
} from '../../src/features/policies/policy.ts';

const m = (pattern: string, path: string) => pathMatches(pattern.split('/'), path.split('/'));

test('* is one non-empty segment, ** any number of them, literals are exact', () => {
  assert.ok(m('jira/rest/api/3/issue/*', 'jira/rest/api/3/issue/DEMO-1'));
  assert.ok(!m('jira/rest/api/3/issue/*', 'jira/rest/api/3/issue/DEMO-1/comment'));
  assert.ok(!m('jira/rest/api/3/issue/*', 'jira/rest/api/3/issue'));
  assert.ok(!m('jira/rest/api/3/issue/*', 'jira/rest/api/3/issue/'), 'an empty segment is none');
  assert.ok(m('jira/**', 'jira/rest/api/3/myself'));
  assert.ok(m('jira/**', 'jira'), '** may be no segment at all');
  assert.ok(!m('jira/**', 'confluence/wiki'));
  assert.ok(m('**/myself', 'jira/rest/api/3/myself'));
  assert.ok(m('jira/**/issue/*/comment', 'jira/rest/api/3/issue/X-1/comment'));
  assert.ok(!m('jira/**/issue/*/comment', 'jira/rest/api/3/issue/X-1/worklog'));
  assert.ok(m('**', 'anything/at/all'));
  assert.ok(!m('jira/rest/api/3/Issue/*', 'jira/rest/api/3/issue/X-1'), 'case matters');
  assert.ok(!m('jira/rest/api/3/issue/*', 'jira/rest/api/3/%69ssue/X-1'), 'no decoding: refused');
  // many ** cost no backtracking blow-up
  const deep = Array.from({ length: 400 }, () => 'a').join('/');
  assert.ok(!m('**/**/**/**/**/**/**/**/b', deep));
});

test('methods: GET allows HEAD, * allows any, and every method of the call must be allowed', () => {
  const p = validatePolicy({ proxy: [{ methods: ['GET'], paths: ['jira/**'] }] });
  const seg = 'jira/rest/api/3/issue/X-1'.split('/');
  assert.ok(allowsCall(p, ['GET'], seg));
  assert.ok(allowsCall(p, ['HEAD'], seg));
  assert.ok(!allowsCall(p, ['DELETE'], seg));
  assert.ok(!allowsCall(p, ['GET', 'DELETE'], seg), 'an override must be allowed too');
  const any = validatePolicy({ proxy: [{ methods: ['*'], paths: ['jira/**'] }] });
  assert.ok(allowsCall(any, ['PATCH'], seg));
  assert.ok(!allowsCall(any, ['GET'], ['confluence', 'x']));
  assert.ok(allowsCall(validatePolicy({}), ['DELETE'], seg), 'no rules: any call');
  assert.ok(!allowsCall(validatePolicy({ proxy: [] }), ['GET'], seg), '[]: no call');
});

test('presets expand; bad rules are refused naming the field', () => {
  assert.deepEqual(effectivePolicy({ proxy: ['confluence:read'] }).proxy, [
    { methods: ['GET'], paths: ['confluence/**'] },
  ]);
  const jira = validatePolicy({ proxy: ['jira:read'] });
  assert.ok(allowsCall(jira, ['POST'], 'jira/rest/api/3/search/jql'.split('/')));
  assert.ok(!allowsCall(jira, ['POST'], 'jira/rest/api/3/issue'.split('/')));
  for (const [policy, field] of [
    [{ proxy: ['jira:admin'] }, 'body.policy.proxy[0]'],
    [
      { proxy: [{ methods: ['GET'], paths: ['jira/x', '/jira'] }] },
      'body.policy.proxy[0].paths[1]',
    ],
    [{ proxy: [{ methods: ['GET'], paths: ['jira/is*'] }] }, 'body.policy.proxy[0].paths[0]'],
    [{ proxy: [{ methods: ['GET'], paths: ['jira//x'] }] }, 'body.policy.proxy[0].paths[0]'],
    [{ proxy: [{ methods: ['TRACE'], paths: ['jira'] }] }, 'body.policy.proxy[0].methods[0]'],
  ] as const)
    assert.throws(
      () => validatePolicy(policy as never),
      (e: { code: string; extra: { field: string } }) =>
        e.code === 'invalid_policy' && e.extra.field === field,
    );
});
