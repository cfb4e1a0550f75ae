// Command-line parsing on node:util parseArgs, with errors that name the flag (and never repeat a
// value: a mistyped flag may have a secret next to it).
import { parseArgs } from 'node:util';
import type { ArgSpec, Options } from './command.js';
import { UsageError } from './exit.js';

/** Flags every command takes. */
export const GLOBAL_OPTIONS = {
  url: { type: 'string', value: '<url>', help: "the vault's base URL (default: $CV_URL)" },
  json: { type: 'boolean', help: "print the API's JSON (for scripts) instead of tables" },
  help: { type: 'boolean', short: 'h', help: 'show help' },
} as const satisfies Options;

/**
 * Flags people try for secrets. They do not exist: a secret on the command line ends up in shell
 * history and in `ps`; the refusal says where the secret goes instead.
 */
const SECRET_FLAG = /^--(client-secret|secret|api-token|password|key|api-key|token|access-token)$/;

export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

function flagOf(message: string): string | undefined {
  return /'(-{1,2}[^'\s<=]+)/.exec(message)?.[1];
}

export function parse(argv: string[], options: Options, path: readonly string[]): Parsed {
  const spec: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> =
    {};
  for (const name of Object.keys(options)) {
    // A command's own --url would silently change where the key is sent.
    if (Object.hasOwn(GLOBAL_OPTIONS, name)) throw new Error(`--${name} is a global flag`);
  }
  const all: Options = { ...GLOBAL_OPTIONS, ...options };
  for (const [name, o] of Object.entries(all)) {
    spec[name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}) };
    if (o.short) spec[name].short = o.short;
  }
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: spec,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS')) throw err;
    const flag = flagOf((err as Error).message) ?? 'a flag';
    const where = path.join(' ');
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      if (SECRET_FLAG.test(flag)) {
        const stdinFlag = Object.keys(options).find((k) => k.endsWith('-stdin'));
        throw new UsageError(
          `${flag}: secrets are never taken from the command line (shell history, ps); leave it ` +
            `out to be asked without echo${stdinFlag ? `, or pipe it with --${stdinFlag}` : ''}`,
          path,
        );
      }
      throw new UsageError(`unknown flag ${flag} for '${where}'`, path);
    }
    if (/does not take an argument/.test((err as Error).message)) {
      throw new UsageError(`flag ${flag} takes no value`, path);
    }
    throw new UsageError(`flag ${flag} needs a value`, path);
  }
}

/** Positionals by their declared names; too many or a missing required one is a usage error. */
export function bindArgs(
  positionals: string[],
  specs: readonly ArgSpec[],
  path: readonly string[],
): Record<string, string | undefined> {
  if (positionals.length > specs.length) {
    // The extra word is not repeated: it might be a secret typed in the wrong place.
    const takes = specs.length ? specs.map((s) => `<${s.name}>`).join(' ') : 'no arguments';
    throw new UsageError(
      `'${path.join(' ')}' takes ${takes}; got ${positionals.length} arguments`,
      path,
    );
  }
  const out: Record<string, string | undefined> = {};
  specs.forEach((s, i) => {
    const v = positionals[i];
    if (v === undefined && s.required) throw new UsageError(`missing <${s.name}>`, path);
    out[s.name] = v;
  });
  return out;
}

/** Flags declared `required` that were not given. */
export function checkRequired(values: Parsed['values'], options: Options, path: readonly string[]) {
  for (const [name, o] of Object.entries(options)) {
    if (o.required && values[name] === undefined) throw new UsageError(`missing --${name}`, path);
  }
}

/** An integer flag within bounds. */
export function intFlag(
  value: string | undefined,
  flag: string,
  bounds: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < bounds.min || n > bounds.max) {
    throw new UsageError(`--${flag} must be a whole number from ${bounds.min} to ${bounds.max}`);
  }
  return n;
}

/** A list flag: repeatable, and each value may hold several items separated by commas or spaces. */
export function listFlag(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  return values.flatMap((v) => v.split(/[\s,]+/)).filter((v) => v.length > 0);
}

/** `key=value` pairs (repeatable flag) as an object. */
export function pairsFlag(values: string[] | undefined, flag: string) {
  if (values === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} takes name=value`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

/** One of the listed words. */
export function choiceFlag<T extends string>(
  value: string | undefined,
  flag: string,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of: ${choices.join(', ')}`);
  }
  return value as T;
}
