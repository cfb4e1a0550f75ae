// The CLI's dispatcher: finds the command in the registry, parses its flags, runs it, and turns
// whatever went wrong into a message on stderr and an exit code by the problem's class.
import { VaultError } from '../errors.js';
import { bindArgs, checkRequired, parse, type Parsed } from './args.js';
import type { Group, Node, Options, Values } from './command.js';
import { createContext } from './context.js';
import { CliError, EXIT, exitCodeFor, InterruptedError, UsageError } from './exit.js';
import { commandHelp, groupHelp, rootHelp, BIN } from './help.js';
import type { CliIo } from './io.js';
import { registry } from './registry.js';

export const root: Group = {
  kind: 'group',
  summary: 'the admin CLI of credential-vault',
  children: registry,
};

/** Walks the leading words of argv down the command tree; the rest is the command's flags/args. */
function resolve(argv: string[]): { node: Node; path: string[]; rest: string[] } {
  let node: Node = root;
  const path: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (node.kind === 'group' && !a.startsWith('-')) {
      const child: Node | undefined = Object.hasOwn(node.children, a)
        ? node.children[a]
        : undefined;
      if (!child) {
        throw new UsageError(
          path.length ? `unknown command '${a}' in '${path.join(' ')}'` : `unknown command '${a}'`,
          path,
        );
      }
      node = child;
      path.push(a);
      continue;
    }
    rest.push(a);
    // the value of a global flag given before the command is not a command word
    if (node.kind === 'group' && a === '--url' && i + 1 < argv.length) rest.push(argv[++i]!);
  }
  return { node, path, rest };
}

function describe(err: unknown): { code: string; detail: string; extra: Record<string, unknown> } {
  if (err instanceof VaultError) {
    const extra: Record<string, unknown> = { status: err.status };
    if (err.accountStatus) extra.connected_account_status = err.accountStatus;
    if (err.statusReason) extra.status_reason = err.statusReason;
    if (err.retryAfterMs !== undefined)
      extra.retry_after_seconds = Math.ceil(err.retryAfterMs / 1000);
    if (err.requestId) extra.request_id = err.requestId;
    return { code: err.code, detail: err.detail ?? err.title ?? err.message, extra };
  }
  if (err instanceof UsageError) return { code: 'usage', detail: err.message, extra: {} };
  if (err instanceof InterruptedError)
    return { code: 'interrupted', detail: 'interrupted', extra: {} };
  if (err instanceof CliError) return { code: err.code, detail: err.message, extra: {} };
  return {
    code: 'internal_error',
    detail: err instanceof Error ? err.message : String(err),
    extra: {},
  };
}

function report(io: CliIo, err: unknown, json: boolean, path: readonly string[]): void {
  const { code, detail, extra } = describe(err);
  if (json) {
    io.err(`${JSON.stringify({ code, detail, ...extra })}\n`);
    return;
  }
  const lines = [`${BIN}: ${code}: ${detail}`];
  if (err instanceof VaultError) {
    const facts = [
      err.status ? `HTTP ${err.status}` : 'no answer',
      err.accountStatus
        ? `account ${err.accountStatus}${err.statusReason ? ` (${err.statusReason})` : ''}`
        : '',
      err.retryAfterMs !== undefined ? `retry after ${Math.ceil(err.retryAfterMs / 1000)} s` : '',
      err.requestId ? `request ${err.requestId}` : '',
    ].filter(Boolean);
    lines.push(`  ${facts.join(' · ')}`);
    if (err.status === 401) lines.push('  CV_KEY was refused: is it a live key of this vault?');
  }
  if (err instanceof UsageError) {
    lines.push(
      `Run '${[BIN, ...(err.path.length ? err.path : path), '--help'].join(' ')}' for usage.`,
    );
  }
  io.err(`${lines.join('\n')}\n`);
}

/** Runs one command line; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // --json decides how even an early error is reported.
  const json = argv.includes('--json');
  let path: string[] = [];
  try {
    if (argv[0] === 'help') argv = [...argv.slice(1), '--help'];
    const found = resolve(argv);
    path = found.path;
    const { node, rest } = found;
    if (node.kind === 'group') {
      const { values } = parse(rest, {}, path);
      const help = path.length ? groupHelp(path, node) : rootHelp(node);
      if (values.help) {
        io.out(help);
        return EXIT.ok;
      }
      io.err(help);
      return EXIT.usage;
    }
    const { values, positionals } = parse(rest, node.options, path);
    if (values.help) {
      io.out(commandHelp(path, node));
      return EXIT.ok;
    }
    checkRequired(values, node.options, path);
    const args = bindArgs(positionals, node.args ?? [], path);
    const ctx = createContext(io, {
      json: values.json === true,
      url: values.url as string | undefined,
      path,
    });
    const own: Parsed['values'] = {};
    for (const k of Object.keys(node.options)) own[k] = values[k];
    // each command's run() was typed against its own options when it was declared
    await node.run(ctx, { values: own as Values<Options>, args });
    return EXIT.ok;
  } catch (err) {
    report(io, err, json, path);
    return exitCodeFor(err);
  }
}
