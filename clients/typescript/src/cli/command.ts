// What a CLI command is: its flags (typed from their declaration), positional arguments, help text
// and the function that runs it. A command group is a named set of commands or further groups.
import type { Context } from './context.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** one line for --help */
  help: string;
  /** placeholder shown in --help, e.g. `<seconds>` */
  value?: string;
  required?: boolean;
}

export type Options = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S extends { type: 'boolean' }
  ? S extends { multiple: true }
    ? boolean[]
    : boolean
  : S extends { multiple: true }
    ? string[]
    : string;

/** The parsed flags of a command: every declared flag, undefined when not given. */
export type Values<O extends Options> = { [K in keyof O]?: ValueOf<O[K]> };

export interface ArgSpec {
  name: string;
  help: string;
  required?: boolean;
}

export interface Command<O extends Options = Options> {
  kind: 'command';
  /** one line, shown in the group's list */
  summary: string;
  /** paragraphs shown under the usage line */
  description?: string;
  args?: readonly ArgSpec[];
  options: O;
  examples?: readonly string[];
  run(
    ctx: Context,
    input: { values: Values<O>; args: Record<string, string | undefined> },
  ): Promise<void>;
}

export interface Group {
  kind: 'group';
  summary: string;
  description?: string;
  children: Record<string, Node>;
}

export type Node = Command | Group;

/** Declares a command; the flags' types flow from `options` into `run`. */
export function command<const O extends Options>(def: Omit<Command<O>, 'kind'>): Command {
  return { kind: 'command', ...def } as unknown as Command;
}

export function group(def: Omit<Group, 'kind'>): Group {
  return { kind: 'group', ...def };
}
