// Runs one walk-through of the docs as a reader would: its shell blocks in order in one bash session
// (`set -euo pipefail`), the blocks meant for "another terminal" as background processes, in a
// sandbox that is the repository as a fresh checkout sees it (every top-level entry linked, no
// data/), so `npm start`, `./data/demo` and `npx tsx app.ts` mean what the docs say.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASTE_LINE, type Block, type RunMarker } from './snippets.ts';

interface Proc {
  child: ChildProcess;
  out: string;
  err: string;
  exited: Promise<number | null>;
}

function start(cmd: string[], cwd: string, env: NodeJS.ProcessEnv, stdin = false): Proc {
  const child = spawn(cmd[0]!, cmd.slice(1), {
    cwd,
    env,
    detached: true, // its own process group: everything it starts is stopped with it
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const p: Proc = {
    child,
    out: '',
    err: '',
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.stdout!.on('data', (d) => (p.out += String(d)));
  child.stderr!.on('data', (d) => (p.err += String(d)));
  return p;
}

const tail = (s: string, n = 3000) => (s.length > n ? `…${s.slice(-n)}` : s);
const where = (b: Block) => `${b.file}:${b.line}`;

/** `$NAME` and `${NAME}` from env. */
const expand = (s: string, env: NodeJS.ProcessEnv) =>
  s.replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (_, n: string) => env[n] ?? '');

export class SnippetSession {
  readonly cwd: string;
  private readonly scratch: string;
  private readonly shell: Proc;
  private readonly background: { block: Block; proc: Proc }[] = [];
  private n = 0;
  /** values the reader pastes (`export KEY=cvk_…`): filled from what the walk-through printed */
  readonly pastes = new Map<string, string>();

  constructor(
    root: string,
    readonly env: NodeJS.ProcessEnv,
  ) {
    this.cwd = mkdtempSync(join(tmpdir(), 'cv-snippets-'));
    this.scratch = mkdtempSync(join(tmpdir(), 'cv-snippet-blocks-'));
    for (const name of readdirSync(root)) {
      if (name === 'data' || name === '.git') continue;
      symlinkSync(join(root, name), join(this.cwd, name));
    }
    this.shell = start(['bash', '--noprofile', '--norc'], this.cwd, env, true);
    this.shell.child.stdin!.write('set -euo pipefail\n');
  }

  /** The block's text as typed, with the reader's pastes filled in. */
  private script(b: Block): string {
    return b.body
      .split('\n')
      .map((line) => {
        const m = PASTE_LINE.exec(line);
        if (!m) return line;
        const v = this.pastes.get(m[1]!);
        if (v === undefined)
          throw new Error(`${where(b)}: nothing printed earlier to paste into ${m[1]}`);
        return `export ${m[1]}='${v}'`;
      })
      .join('\n');
  }

  async run(b: Block): Promise<void> {
    const m = b.marker as RunMarker;
    if (m.env) return; // the test has exported the same names itself (checked by the caller)
    if (m.file) {
      writeFileSync(join(this.cwd, m.file), b.body + '\n');
      return;
    }
    if (b.lang === 'ts') {
      // in the sandbox, so that it is an ES module of the repository's and its imports resolve
      const file = join(this.cwd, `.snippet-${++this.n}.mts`);
      writeFileSync(file, b.body + '\n');
      return this.send(b, `node --import tsx '${file}'`);
    }
    const file = join(this.scratch, `block-${++this.n}.sh`);
    writeFileSync(file, this.script(b) + '\n');
    if (m.background) return this.startBackground(b, m, file);
    return this.send(b, `source '${file}' </dev/null`);
  }

  /** Runs `cmd` in the session and waits for it; a failure (set -e) ends the session and throws. */
  private async send(b: Block, cmd: string): Promise<void> {
    const done = `__snippet_done_${this.n}__`;
    const from = this.shell.out.length;
    this.shell.child.stdin!.write(`${cmd}\nprintf '\\n%s\\n' '${done}'\n`);
    for (;;) {
      const at = this.shell.out.indexOf(done, from);
      if (at >= 0) {
        const printed = this.shell.out.slice(from, at);
        const missing = ((b.marker as RunMarker).expect ?? []).filter((e) => !printed.includes(e));
        if (missing.length)
          throw new Error(
            `${where(b)} did not print ${missing.map((e) => JSON.stringify(e)).join(', ')}\n` +
              `--- stdout:\n${tail(printed)}\n--- stderr:\n${tail(this.shell.err)}`,
          );
        return;
      }
      if (this.shell.child.exitCode !== null)
        throw new Error(
          `${where(b)} failed (exit ${this.shell.child.exitCode})\n--- block:\n${b.body}\n` +
            `--- stdout:\n${tail(this.shell.out.slice(from))}\n--- stderr:\n${tail(this.shell.err)}` +
            this.backgroundLogs(),
        );
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private async startBackground(b: Block, m: RunMarker, file: string): Promise<void> {
    const proc = start(['bash', '-c', `set -euo pipefail; source '${file}'`], this.cwd, this.env);
    this.background.push({ block: b, proc });
    const url = expand(m.ready!, this.env);
    const until = Date.now() + 90_000;
    for (;;) {
      const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (proc.child.exitCode !== null || Date.now() > until)
        throw new Error(`${where(b)}: ${url} never answered\n${this.backgroundLogs()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // What the reader copies from this terminal: the first start's admin key.
    const key = /First start: created tenant (tn_\w+)[\s\S]*?^\s+(cvk_\S+)\s*$/m.exec(proc.out);
    if (key) {
      this.pastes.set('KEY', key[2]!);
      this.pastes.set('CV_KEY', key[2]!);
      this.pastes.set('TN', key[1]!);
    }
  }

  backgroundLogs(): string {
    return this.background
      .map(
        ({ block, proc }) =>
          `\n--- ${where(block)} (background) stdout:\n${tail(proc.out, 1500)}\n--- stderr:\n${tail(proc.err, 1500)}`,
      )
      .join('');
  }

  /**
   * Stops the session and everything it started (each process group: the shell and what it left
   * running, each background terminal), as Ctrl-C would, and removes the sandbox once every
   * process of those groups is gone (SIGKILL after 10 s), so no vault writes into a removed folder.
   */
  async close(): Promise<void> {
    const groups = [this.shell, ...this.background.map((b) => b.proc)].map((p) => p.child.pid!);
    const signal = (pgid: number, sig: NodeJS.Signals | 0) => {
      try {
        process.kill(-pgid, sig);
        return true;
      } catch {
        return false; // no process left in the group
      }
    };
    for (const g of groups) signal(g, 'SIGTERM');
    const until = Date.now() + 10_000;
    while (groups.some((g) => signal(g, 0)) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    for (const g of groups) signal(g, 'SIGKILL');
    // (bounded: an unreaped zombie still counts as a member of its group)
    const killed = Date.now() + 5_000;
    while (groups.some((g) => signal(g, 0)) && Date.now() < killed)
      await new Promise((r) => setTimeout(r, 50));
    rmSync(this.cwd, { recursive: true, force: true });
    rmSync(this.scratch, { recursive: true, force: true });
  }
}
