// The environment of `npm run emulator`, parsed once; a bad value stops it with a message naming it.
//   EMULATOR_PORT          port to listen on (default 4010; 0 = any free port)
//   EMULATOR_HOST          address to listen on (default 127.0.0.1)
//   EMULATOR_VAULT_URL     the vault's PUBLIC_URL (default http://localhost:3000); the demo app's
//                          callback is the pattern ${EMULATOR_VAULT_URL}/v1/oauth/callback/*
//   EMULATOR_CALLBACK_URL  the demo app's callback instead: an exact URL
//   EMULATOR_LOG           1/true: fastify request logs (default off)
import { checkCallbackUrl } from './callback.ts';

export interface EmulatorEnv {
  port: number;
  host: string;
  vaultUrl: string;
  callbackUrl: string;
  log: boolean;
}

export class EnvError extends Error {}

/** Unset and empty mean the same: the default. */
function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function httpUrl(name: string, v: string): URL {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new EnvError(`${name} must be an absolute http(s) URL, got ${JSON.stringify(v)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EnvError(`${name} must be an http(s) URL, got ${JSON.stringify(v)}`);
  }
  return url;
}

export function parseEmulatorEnv(env: NodeJS.ProcessEnv): EmulatorEnv {
  const portText = read(env, 'EMULATOR_PORT') ?? '4010';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new EnvError(
      `EMULATOR_PORT must be a port number (0-65535), got ${JSON.stringify(portText)}`,
    );
  }
  const host = read(env, 'EMULATOR_HOST') ?? '127.0.0.1';
  if (/[\s/]/.test(host)) {
    throw new EnvError(`EMULATOR_HOST must be a host name or address, got ${JSON.stringify(host)}`);
  }
  const vault = httpUrl(
    'EMULATOR_VAULT_URL',
    read(env, 'EMULATOR_VAULT_URL') ?? 'http://localhost:3000',
  );
  if (vault.search || vault.hash) {
    throw new EnvError('EMULATOR_VAULT_URL must have no query or fragment');
  }
  const vaultUrl = vault.href.replace(/\/+$/, '');
  let callbackUrl = `${vaultUrl}/v1/oauth/callback/*`;
  const exact = read(env, 'EMULATOR_CALLBACK_URL');
  if (exact !== undefined) {
    httpUrl('EMULATOR_CALLBACK_URL', exact);
    if (exact.includes('*'))
      throw new EnvError('EMULATOR_CALLBACK_URL must be an exact URL (no *)');
    callbackUrl = checkCallbackUrl(exact);
  }
  const logText = (read(env, 'EMULATOR_LOG') ?? '0').toLowerCase();
  if (!['0', '1', 'true', 'false'].includes(logText)) {
    throw new EnvError(`EMULATOR_LOG must be 1, 0, true or false, got ${JSON.stringify(logText)}`);
  }
  return { port, host, vaultUrl, callbackUrl, log: logText === '1' || logText === 'true' };
}
