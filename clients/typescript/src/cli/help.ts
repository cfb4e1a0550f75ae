// --help text for the program, a group or a command, built from their declarations.
import { GLOBAL_OPTIONS } from './args.js';
import type { Command, Group, Options } from './command.js';
import { EXIT_HELP } from './exit.js';

export const BIN = 'credential-vault';

function optionLines(options: Options): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;
    const notes = [o.required ? 'required' : '', o.multiple ? 'repeatable' : '']
      .filter(Boolean)
      .join(', ');
    return [flag, `${o.help}${notes ? ` (${notes})` : ''}`] as const;
  });
  // A flag with a long value list gets its help on the next line rather than widening every row.
  const width = Math.min(30, Math.max(...rows.map(([f]) => f.length)));
  return rows.map(([f, h]) =>
    f.length > width ? `  ${f}\n  ${' '.repeat(width)}  ${h}` : `  ${f.padEnd(width)}  ${h}`,
  );
}

function childLines(group: Group): string[] {
  const names = Object.keys(group.children);
  const width = Math.max(...names.map((n) => n.length));
  return names.map((n) => `  ${n.padEnd(width)}  ${group.children[n]!.summary}`);
}

export function rootHelp(root: Group): string {
  return [
    `${BIN}: the admin CLI of credential-vault`,
    '',
    `Usage: ${BIN} <command> [flags]`,
    '',
    'Commands:',
    ...childLines(root),
    '',
    'Global flags:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Environment:',
    "  CV_URL  the vault's base URL, e.g. http://localhost:3000 (--url overrides it)",
    '  CV_KEY  an API key (cvk_…); an admin key for everything here. Keys are never taken from flags',
    '',
    'Secrets (client secrets, API tokens) are asked for without echo on a terminal, or read from',
    'stdin when it is a pipe or a file; never from the command line.',
    '',
    'Exit codes:',
    ...EXIT_HELP.map((l) => `  ${l}`),
    '',
    `Run '${BIN} <command> --help' for a command's flags.`,
    '',
  ].join('\n');
}

export function groupHelp(path: readonly string[], group: Group): string {
  return [
    `${BIN} ${path.join(' ')}: ${group.summary}`,
    ...(group.description ? ['', group.description] : []),
    '',
    `Usage: ${BIN} ${path.join(' ')} <command> [flags]`,
    '',
    'Commands:',
    ...childLines(group),
    '',
    `Run '${BIN} ${path.join(' ')} <command> --help' for a command's flags.`,
    '',
  ].join('\n');
}

export function commandHelp(path: readonly string[], cmd: Command): string {
  const args = cmd.args ?? [];
  const usage = [
    BIN,
    ...path,
    ...args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)),
    '[flags]',
  ].join(' ');
  const lines = [`${BIN} ${path.join(' ')}: ${cmd.summary}`, '', `Usage: ${usage}`];
  if (cmd.description) lines.push('', cmd.description);
  if (args.length) {
    const width = Math.max(...args.map((a) => a.name.length + 2));
    lines.push('', 'Arguments:', ...args.map((a) => `  ${`<${a.name}>`.padEnd(width)}  ${a.help}`));
  }
  if (Object.keys(cmd.options).length) lines.push('', 'Flags:', ...optionLines(cmd.options));
  lines.push('', 'Global flags:', ...optionLines(GLOBAL_OPTIONS));
  if (cmd.examples?.length) lines.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`));
  lines.push('', 'Exit codes:', ...EXIT_HELP.map((l) => `  ${l}`), '');
  return lines.join('\n');
}
