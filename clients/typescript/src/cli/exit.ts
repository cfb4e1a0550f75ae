// Exit codes by the class of the problem, so scripts branch without parsing messages.
import { VaultError } from '../errors.js';

export const EXIT = {
  ok: 0,
  /** anything not named below (a 500, an unexpected answer) */
  error: 1,
  /** wrong command line, or input the vault refused as invalid (400, 413, 422) */
  usage: 2,
  /** the key was refused (401) or may not do this (403) */
  auth: 3,
  notFound: 4,
  /** the resource is not in a state that allows it (409), e.g. an account that is not ACTIVE */
  conflict: 5,
  /** try again later: 429, 502–504, a 5xx with Retry-After, the vault unreachable or too slow */
  retryable: 6,
  /** Ctrl-C at a prompt */
  interrupted: 130,
} as const;

/** The lines `--help` prints about exit codes. */
export const EXIT_HELP = [
  '0  ok',
  '1  any other error (e.g. 500)',
  '2  usage: unknown command or flag, missing argument, input refused as invalid (400, 422)',
  '3  authentication or permission: 401, 403 (check CV_KEY and its role)',
  '4  not found: 404',
  '5  conflict: 409 (e.g. the account is not ACTIVE, several accounts and no selector)',
  '6  retryable: 429, 502, 503, 504, vault unreachable or timed out',
];

/** A mistake in the command line (or in what was typed at a prompt): exit 2, nothing sent. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** the command path whose --help to point at */
    readonly path: readonly string[] = [],
  ) {
    super(message);
  }
}

/** The user pressed Ctrl-C (or Ctrl-D on an empty line) at a prompt. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

/** A refusal decided by the CLI itself after reading the vault (e.g. the connect flow failed). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof InterruptedError) return EXIT.interrupted;
  if (err instanceof CliError) return err.exitCode;
  if (!(err instanceof VaultError)) return EXIT.error;
  const s = err.status;
  if (s === 0 || err.retryable) return EXIT.retryable;
  if (s === 401 || s === 403) return EXIT.auth;
  if (s === 404 || s === 410) return EXIT.notFound;
  if (s === 409 || s === 412) return EXIT.conflict;
  if (s === 400 || s === 413 || s === 415 || s === 422) return EXIT.usage;
  return EXIT.error;
}
