// An injected fetch for the client's unit tests: records every request and answers from a script.
// Integration tests use the real vault; this is only for the parts that are pure client logic.

export interface Recorded {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  init: RequestInit;
}

type Answer =
  | Response
  | Error
  | Promise<Response | Error>
  | ((r: Recorded) => Response | Error | Promise<Response | Error>);

export function fakeFetch(answers: Answer[] | ((r: Recorded, n: number) => Answer)) {
  const calls: Recorded[] = [];
  const fn = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const rec: Recorded = {
      url: String(input),
      method: init.method ?? 'GET',
      headers,
      body: typeof init.body === 'string' ? init.body : undefined,
      init,
    };
    calls.push(rec);
    const n = calls.length - 1;
    const a = Array.isArray(answers) ? answers[n] : answers(rec, n);
    if (a === undefined) throw new Error(`fake fetch: no answer scripted for call ${n + 1}`);
    const out = await (typeof a === 'function' ? a(rec) : a);
    if (out instanceof Error) throw out;
    return out;
  };
  return { fetch: fn, calls };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
      ...headers,
    },
  });

/** A token answer as the vault gives it, expiring `ttlS` seconds after `nowMs`. */
export const tokenAnswer = (
  nowMs: number,
  ttlS: number,
  over: Record<string, unknown> = {},
): Record<string, unknown> => ({
  access_token: `at-${Math.random().toString(36).slice(2)}`,
  token_type: 'Bearer',
  expires_at: new Date(nowMs + ttlS * 1000).toISOString(),
  expires_in: ttlS,
  scopes: ['read:jira-work'],
  connected_account_id: 'ca_00000000000000000000000000',
  refreshed: false,
  cloud_id: 'cloud-1',
  site_url: 'https://acme.atlassian.net',
  api_base_url: 'https://api.atlassian.com/ex/jira/cloud-1',
  ...over,
});

export const problem = (status: number, code: string, extra: Record<string, unknown> = {}) => ({
  type: 'about:blank',
  code,
  status,
  title: 'Problem',
  detail: `detail of ${code}`,
  request_id: `req-${code}`,
  ...extra,
});

/** A fetch failure as undici reports a refused connection. */
export const refused = () =>
  Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
  });
