import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { call, login, setup } from './helpers.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function attachmentSetup() {
  const scopes = ['read:jira-work', 'write:jira-work'];
  const s = await setup({}, { scopes });
  const token = (await login(s.emu, { scope: scopes.join(' ') })).access_token;
  const cloudId = s.user.sites[0]!.id;
  const issue = s.emu.addJiraIssue(cloudId, { projectKey: 'DEMO', summary: 'with files' });
  return { ...s, token, issue, base: `/ex/jira/${cloudId}/rest/api/3` };
}

test('a 20 MB raw upload is stored byte for byte and streamed back with its content type', async () => {
  const { emu, token, issue, base } = await attachmentSetup();
  try {
    const bytes = randomBytes(20 * 1024 * 1024);
    const up = await call(emu, 'POST', `${base}/issue/${issue.key}/attachments`, {
      auth: token,
      body: bytes,
      headers: {
        'x-atlassian-token': 'no-check',
        'content-type': 'application/x-custom',
        'content-disposition': 'attachment; filename="big.bin"',
      },
    });
    assert.equal(up.status, 200, up.text.slice(0, 300));
    assert.equal(up.json.length, 1);
    const a = up.json[0];
    assert.equal(a.filename, 'big.bin');
    assert.equal(a.size, bytes.length);
    assert.equal(a.sha256, sha256(bytes));
    assert.equal(a.mimeType, 'application/x-custom');
    const logged = emu.requests(1)[0]!;
    assert.equal(logged.bodySize, bytes.length);
    assert.equal(logged.bodySha256, sha256(bytes));

    const down = await fetch(`${emu.url}${base}/attachment/content/${a.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(down.status, 200);
    assert.equal(down.headers.get('content-type'), 'application/x-custom');
    assert.equal(down.headers.get('content-length'), String(bytes.length));
    const back = new Uint8Array(await down.arrayBuffer());
    assert.equal(sha256(back), sha256(bytes));
    const got = await call(emu, 'GET', `${base}/issue/${issue.key}?fields=attachment`, {
      auth: token,
    });
    assert.deepEqual(
      got.json.fields.attachment.map((x: { id: string }) => x.id),
      [a.id],
    );
  } finally {
    await emu.close();
  }
});

test('multipart/form-data: each file part becomes an attachment', async () => {
  const { emu, token, issue, base } = await attachmentSetup();
  try {
    const form = new FormData();
    const one = randomBytes(1000);
    form.append('file', new Blob([one], { type: 'image/png' }), 'one.png');
    form.append('file', new Blob(['hello\r\n--not-a-boundary'], { type: 'text/plain' }), 'two.txt');
    form.append('comment', 'not a file');
    const res = await fetch(`${emu.url}${base}/issue/${issue.id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'X-Atlassian-Token': 'no-check' },
      body: form,
    });
    assert.equal(res.status, 200);
    const list = (await res.json()) as {
      id: string;
      filename: string;
      size: number;
      sha256: string;
      mimeType: string;
    }[];
    assert.deepEqual(
      list.map((a) => [a.filename, a.mimeType, a.size]),
      [
        ['one.png', 'image/png', 1000],
        ['two.txt', 'text/plain', Buffer.byteLength('hello\r\n--not-a-boundary')],
      ],
    );
    assert.equal(list[0]!.sha256, sha256(one));
    const down = await fetch(`${emu.url}${base}/attachment/content/${list[1]!.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(await down.text(), 'hello\r\n--not-a-boundary');
    assert.equal(down.headers.get('content-type'), 'text/plain');
  } finally {
    await emu.close();
  }
});

test('uploads need X-Atlassian-Token: no-check, a known issue, write scope and well-formed multipart', async () => {
  const { emu, token, issue, base } = await attachmentSetup();
  try {
    const path = `${base}/issue/${issue.key}/attachments`;
    const noXsrf = await call(emu, 'POST', path, { auth: token, body: 'x' });
    assert.equal(noXsrf.status, 403);
    assert.deepEqual(noXsrf.json.errorMessages, ['XSRF check failed']);
    const xsrf = { 'x-atlassian-token': 'no-check' };
    assert.equal(
      (
        await call(emu, 'POST', `${base}/issue/NOPE-1/attachments`, {
          auth: token,
          body: 'x',
          headers: xsrf,
        })
      ).status,
      404,
    );
    const broken = await call(emu, 'POST', path, {
      auth: token,
      body: 'no parts here',
      headers: { ...xsrf, 'content-type': 'multipart/form-data; boundary=abc' },
    });
    assert.equal(broken.status, 400);
    const readOnly = (await login(emu, { scope: 'read:jira-work' })).access_token;
    assert.equal(
      (await call(emu, 'POST', path, { auth: readOnly, body: 'x', headers: xsrf })).status,
      403,
    );
    assert.equal((await call(emu, 'POST', path, { body: 'x', headers: xsrf })).status, 401);
    assert.equal(
      (await call(emu, 'GET', `${base}/attachment/content/99999`, { auth: token })).status,
      404,
    );
    // a JSON body is stored as bytes, not parsed
    const json = await call(emu, 'POST', path, {
      auth: token,
      body: '{"not":"parsed"',
      headers: { ...xsrf, 'content-type': 'application/json' },
    });
    assert.equal(json.status, 200, json.text);
    assert.equal(json.json[0].size, 15);
  } finally {
    await emu.close();
  }
});
