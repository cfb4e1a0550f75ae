import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { redactAttributes, redactUrl } from '../../src/lib/tracing-sdk.ts';

/** Traces are off unless the standard OTEL_* variables name where spans go (docs/operations.md#traces). */
const tracing = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env }).tracing;

test('traces are off without OTEL settings, and when disabled whatever else is set', () => {
  assert.equal(tracing({}).enabled, false);
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
  assert.equal(tracing({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).enabled, false);
  assert.equal(tracing({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).enabled, false);
  assert.equal(
    tracing({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' }).enabled,
    false,
  );
});

test('an endpoint or the otlp exporter turns traces on; the shown URL carries no credential', () => {
  assert.deepEqual(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }), {
    enabled: true,
    protocol: 'http/protobuf',
    endpoint: 'http://collector:4318/v1/traces',
  });
  assert.deepEqual(
    tracing({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://u:p@otel.example.com/t?key=abc',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    }),
    { enabled: true, protocol: 'http/json', endpoint: 'https://otel.example.com/t' },
  );
  assert.equal(
    tracing({ OTEL_TRACES_EXPORTER: 'otlp' }).endpoint,
    'http://localhost:4318/v1/traces',
  );
});

test('settings the vault cannot honour stop the start, naming the variable', () => {
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
  assert.throws(
    () => tracing({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    /OTEL_EXPORTER_OTLP_PROTOCOL .*gRPC/,
  );
  assert.throws(() => tracing({ OTEL_TRACES_EXPORTER: 'zipkin' }), /OTEL_TRACES_EXPORTER=zipkin/);
  assert.throws(
    () => tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }),
    /OTEL_EXPORTER_OTLP_ENDPOINT must be an http/,
  );
});

test('exported URLs lose their query string, fragment and user information', () => {
  assert.equal(
    redactUrl('https://user:pw@api.example.com/a/b?token=s3cret#frag'),
    'https://api.example.com/a/b',
  );
  const attrs = {
    'url.full': 'http://h/p?code=abc',
    'url.query': '?code=abc',
    'url.path': '/p',
    n: 1,
  };
  assert.deepEqual(redactAttributes(attrs), {
    'url.full': 'http://h/p',
    'url.query': '[redacted]',
    'url.path': '/p',
    n: 1,
  });
  const clean = { 'url.full': 'http://h/p' };
  assert.equal(redactAttributes(clean), clean);
});
