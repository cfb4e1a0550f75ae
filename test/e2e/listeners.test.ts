import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { newApiKey } from '../../src/features/api-keys/secrets.ts';
import { freePort, spawnVault } from '../helpers/process.ts';

test('/metrics has a listener of its own (METRICS_HOST/METRICS_PORT); the API port does not serve it', async (t) => {
  const metricsPort = await freePort();
  const vault = await spawnVault({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-metrics-')),
    METRICS_PORT: String(metricsPort),
  });
  t.after(() => vault.stop());
  const [, url] = await vault.waitFor(/"metrics_url":"([^"]+)"/);
  assert.equal(url, `http://127.0.0.1:${metricsPort}/metrics`);
  const res = await fetch(url!);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /# TYPE cv_connected_accounts gauge/);
  assert.equal((await fetch(`${vault.url}/metrics`)).status, 404);
  assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/v1/tenants`)).status, 404);
});

test('a client that holds a request open is cut off at HTTP_REQUEST_TIMEOUT_MS, and nothing is written', async (t) => {
  const operator = newApiKey().token;
  const vault = await spawnVault({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'cv-slow-')),
    VAULT_BOOTSTRAP_OPERATOR_KEY: operator,
    HTTP_REQUEST_TIMEOUT_MS: '1500',
    HTTP_HEADERS_TIMEOUT_MS: '1000',
  });
  t.after(() => vault.stop());
  await vault.waitReady();
  const port = Number(new URL(vault.url).port);
  const body = JSON.stringify({ name: 'slowloris' });
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      // The headers and a first few bytes of the body, then nothing more.
      socket.write(
        `POST /v1/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${operator}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 3)}`,
      );
    });
    let got = '';
    socket.on('data', (d) => (got += String(d)));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
    // A deadline for the test itself, far above the configured timeout.
    setTimeout(() => {
      socket.destroy();
      reject(new Error('the server kept the connection open'));
    }, 20_000).unref();
  });
  assert.match(answer, /^HTTP\/1\.1 408/);
  const tenants = await fetch(`${vault.url}/v1/tenants`, {
    headers: { authorization: `Bearer ${operator}` },
  });
  const names = ((await tenants.json()) as { data: { name: string }[] }).data.map((x) => x.name);
  assert.ok(!names.includes('slowloris'));
});
