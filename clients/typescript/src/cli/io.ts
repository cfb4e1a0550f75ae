// The CLI's terminal: where output goes, and how secrets come in — typed at a prompt that does not
// echo them, or read from stdin when a script pipes them. Never from argv: anything on a command
// line lands in shell history and in every `ps` listing.
import { emitKeypressEvents } from 'node:readline';
import type { Readable } from 'node:stream';
import { InterruptedError, UsageError } from './exit.js';

/** A terminal input stream (process.stdin on a TTY). */
interface TtyInput extends Readable {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface CliIo {
  env: Record<string, string | undefined>;
  stdin: TtyInput;
  out(text: string): void;
  err(text: string): void;
  /** whether stderr is a terminal (hints and summaries for humans go there) */
  errIsTTY: boolean;
}

export function nodeIo(): CliIo {
  // `credential-vault … | head -1` closes the pipe early: what was asked is done, so exit quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  return {
    env: process.env,
    stdin: process.stdin,
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    errIsTTY: Boolean(process.stderr.isTTY),
  };
}

const hasControl = (s: string) => Array.from(s).some((c) => c < ' ' || c === '\u007f');

/** A secret can be long (a JWT-sized API token), never megabytes. */
const MAX_SECRET_BYTES = 64 * 1024;

/**
 * A secret piped on stdin: everything up to EOF, without the one line break at its end. More than
 * one line is refused (a file with something else in it, or two secrets), as is nothing at all.
 */
export async function readSecretFromStdin(stdin: Readable, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_SECRET_BYTES) throw new UsageError(`the ${what} on stdin is longer than 64 KiB`);
    chunks.push(b);
  }
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (/[\r\n]/.test(text)) {
    throw new UsageError(`stdin holds more than one line; pipe the ${what} alone`);
  }
  if (text.length === 0) {
    throw new UsageError(`no ${what} on stdin (pipe it in, or run in a terminal to be asked)`);
  }
  return text;
}

/**
 * Asks for a secret on the terminal with echo off (raw mode: the terminal shows nothing, not even
 * asterisks, so its length does not show either). Backspace and Ctrl-U edit; Enter ends; Ctrl-C
 * (or Ctrl-D on an empty line) aborts.
 */
export function promptHidden(io: CliIo, label: string): Promise<string> {
  const input = io.stdin;
  if (!input.isTTY || typeof input.setRawMode !== 'function') {
    throw new Error('promptHidden needs a terminal');
  }
  emitKeypressEvents(input);
  // Echo goes off before the prompt shows: nothing typed after it can reach the screen.
  input.setRawMode(true);
  io.err(label);
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (err?: Error) => {
      input.removeListener('keypress', onKey);
      input.setRawMode!(false);
      input.pause();
      io.err('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onKey = (
      str: string | undefined,
      key: { name?: string; ctrl?: boolean; meta?: boolean },
    ) => {
      if (key?.ctrl && key.name === 'c') return finish(new InterruptedError('interrupted'));
      if (key?.ctrl && key.name === 'd') {
        if (value === '') finish(new InterruptedError('interrupted'));
        return;
      }
      if (key?.ctrl && key.name === 'u') {
        value = '';
        return;
      }
      if (key?.name === 'return' || key?.name === 'enter') return finish();
      if (key?.name === 'backspace') {
        value = Array.from(value).slice(0, -1).join('');
        return;
      }
      // Printable text (a paste arrives as many of these); arrows and other keys are ignored.
      if (str && !key?.ctrl && !key?.meta && !hasControl(str)) value += str;
    };
    input.on('keypress', onKey);
  });
}

/** A yes/no question on the terminal; anything but y/yes is no. */
export function confirm(io: CliIo, question: string): Promise<boolean> {
  const input = io.stdin;
  return new Promise((resolve) => {
    io.err(`${question} [y/N] `);
    let line = '';
    const onData = (chunk: Buffer | string) => {
      line += String(chunk);
      const nl = line.indexOf('\n');
      if (nl < 0) return;
      input.removeListener('data', onData);
      input.pause();
      resolve(/^\s*y(es)?\s*$/i.test(line.slice(0, nl)));
    };
    input.on('data', onData);
    input.resume();
  });
}

export interface SecretSource {
  /** what the secret is, for the prompt and errors: "client secret" */
  what: string;
  /** the flag that asks for stdin explicitly, e.g. `--client-secret-stdin` */
  stdinFlag: string;
  /** true when that flag was given */
  fromStdin: boolean;
}

/**
 * The secret from stdin when asked to (or when stdin is not a terminal: a pipe or a file), else
 * from a hidden prompt. Empty answers are refused.
 */
export async function readSecret(io: CliIo, src: SecretSource): Promise<string> {
  if (src.fromStdin || !io.stdin.isTTY) return readSecretFromStdin(io.stdin, src.what);
  const value = await promptHidden(io, `${src.what[0]!.toUpperCase()}${src.what.slice(1)}: `);
  if (value.length === 0) throw new UsageError(`no ${src.what} given`);
  return value;
}
