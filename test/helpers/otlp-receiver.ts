import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as OTLP/HTTP JSON carries it (the fields the tests read). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
  status?: { code?: number };
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}

const valueOf = (v: AnyValue) =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));

/**
 * A real OTLP/HTTP receiver: it accepts POST /v1/traces as JSON or protobuf and keeps every body
 * exactly as it arrived (what a collector would see), and the JSON ones decoded into spans.
 */
export async function startOtlpReceiver() {
  const bodies: { contentType: string; raw: Buffer }[] = [];
  const spans: OtlpSpan[] = [];
  const resources: Record<string, string | number | boolean>[] = [];
  let other = 0;
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        other++;
        return res.writeHead(404).end();
      }
      const raw = Buffer.concat(parts);
      const contentType = String(req.headers['content-type'] ?? '');
      bodies.push({ contentType, raw });
      if (contentType.startsWith('application/json')) {
        const doc = JSON.parse(raw.toString('utf8')) as {
          resourceSpans: {
            resource?: { attributes?: { key: string; value: AnyValue }[] };
            scopeSpans: {
              spans: (Omit<OtlpSpan, 'attributes'> & {
                attributes?: { key: string; value: AnyValue }[];
              })[];
            }[];
          }[];
        };
        for (const rs of doc.resourceSpans) {
          resources.push(
            Object.fromEntries(
              (rs.resource?.attributes ?? []).map((a) => [a.key, valueOf(a.value)!]),
            ),
          );
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans)
              spans.push({
                ...s,
                attributes: Object.fromEntries(
                  (s.attributes ?? []).map((a) => [a.key, valueOf(a.value)!]),
                ),
              });
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        // An empty ExportTraceServiceResponse is zero bytes of protobuf.
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    bodies,
    spans,
    resources,
    /** requests to anything but POST /v1/traces */
    other: () => other,
    /** every byte that arrived, as text (protobuf keeps strings as UTF-8, so they can be searched) */
    allText: () => bodies.map((b) => b.raw.toString('utf8')).join('\n'),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
