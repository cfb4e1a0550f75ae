// What every command gets: the vault client (built from CV_URL/--url and CV_KEY on first use),
// the output mode, and the terminal.
import { createVaultClient, type VaultClient } from '../client.js';
import { UsageError } from './exit.js';
import { readSecret, type CliIo, type SecretSource } from './io.js';
import { json } from './output.js';

export interface Context {
  io: CliIo;
  /** --json: stdout carries the API's JSON and nothing else */
  json: boolean;
  /** the command path, for messages ("auth-configs create") */
  path: readonly string[];
  vault(): VaultClient;
  /** the vault's base URL as the client uses it */
  url(): string;
  /** to stdout */
  print(text: string): void;
  /** the API's JSON to stdout */
  printJson(value: unknown): void;
  /** a hint for people, to stderr; nothing in --json mode */
  note(text: string): void;
  secret(src: SecretSource): Promise<string>;
}

export function createContext(
  io: CliIo,
  opts: { json: boolean; url?: string; path: readonly string[] },
): Context {
  let client: VaultClient | undefined;
  const baseUrl = () => {
    const url = opts.url ?? io.env.CV_URL;
    if (!url) {
      throw new UsageError('no vault URL: set CV_URL (e.g. http://localhost:3000) or pass --url');
    }
    if (!/^https?:\/\/[^\s/]+/.test(url)) {
      throw new UsageError(`the vault URL must start with http:// or https:// (got ${url})`);
    }
    return url.replace(/\/+$/, '');
  };
  return {
    io,
    json: opts.json,
    path: opts.path,
    url: baseUrl,
    vault() {
      if (client) return client;
      const url = baseUrl();
      const apiKey = io.env.CV_KEY;
      if (!apiKey) {
        throw new UsageError(
          'no API key: set CV_KEY to an admin key of your tenant (keys are never taken from flags)',
        );
      }
      // A person is waiting: 429/503/unreachable are retried briefly, then reported (exit 6).
      client = createVaultClient({ url, apiKey, maxRetryWaitMs: 3000 });
      return client;
    },
    print: (text) => io.out(text.endsWith('\n') ? text : `${text}\n`),
    printJson: (value) => io.out(json(value)),
    note: (text) => {
      if (!opts.json) io.err(text.endsWith('\n') ? text : `${text}\n`);
    },
    secret: (src) => readSecret(io, src),
  };
}
