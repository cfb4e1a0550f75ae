import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { ROOT } from '../../scripts/build.mjs';
import { freePort } from '../helpers/process.ts';
import { SnippetSession } from '../helpers/snippet-session.ts';
import {
  allBlocks,
  extractBlocks,
  parseMarker,
  walkthroughs,
  type RunMarker,
} from '../helpers/snippets.ts';

/**
 * Every code block in the README and docs/ either runs here — as a reader types it, against a real
 * vault (`npm start`) and the emulator — or is marked as an excerpt saying why it is not run
 * (test/README.md#snippets has the markers). An unmarked block fails, so docs cannot rot silently.
 */
const blocks = allBlocks(ROOT);
const where = (b: { file: string; line: number }) => `${b.file}:${b.line}`;

/** Languages a run block may have: shell commands, and TypeScript (run with tsx). */
const RUNNABLE = new Set(['sh', 'bash', 'ts']);

describe('the markers', () => {
  test('are read as documented', () => {
    assert.deepEqual(parseMarker('run demo'), {
      kind: 'run',
      walkthrough: 'demo',
      env: false,
      background: false,
      expect: [],
    });
    assert.deepEqual(parseMarker('run demo background ready=$EMU/_emulator'), {
      kind: 'run',
      walkthrough: 'demo',
      env: false,
      background: true,
      ready: '$EMU/_emulator',
      expect: [],
    });
    assert.deepEqual(
      (parseMarker('run demo expect="<h1>Account connected</h1>" expect=ACTIVE') as RunMarker)
        .expect,
      ['<h1>Account connected</h1>', 'ACTIVE'],
    );
    assert.deepEqual(parseMarker('excerpt — output'), { kind: 'excerpt', reason: 'output' });
    assert.match(parseMarker('excerpt') as string, /says why/);
    assert.match(parseMarker('run demo background') as string, /ready/);
    assert.match(parseMarker('skip') as string, /unknown snippet kind/);
    const md = [
      'Text',
      '<!-- snippet: run demo -->',
      '',
      '```sh',
      'echo one',
      '```',
      '',
      '1. a list item',
      '',
      '   ```sh',
      '   echo two',
      '   ```',
    ].join('\n');
    const found = extractBlocks('x.md', md);
    assert.deepEqual(
      found.map((b) => [b.line, b.lang, b.body, b.marker?.kind ?? b.markerError]),
      [
        [4, 'sh', 'echo one', 'run'],
        [10, 'sh', 'echo two', 'no <!-- snippet: … --> marker before the fence'],
      ],
    );
  });

  test('every block of the README and docs/ is run or marked as an excerpt', () => {
    assert.ok(blocks.length > 50, `found ${blocks.length} blocks`);
    const bad = blocks.filter((b) => !b.marker).map((b) => `${where(b)}: ${b.markerError}`);
    assert.deepEqual(bad, [], 'mark each block: <!-- snippet: run <walk-through> --> or excerpt');
  });

  test('only shell and TypeScript blocks are run; files are written, addresses only exported', () => {
    const bad: string[] = [];
    for (const b of blocks) {
      const m = b.marker;
      if (m?.kind !== 'run') continue;
      if (m.file) continue;
      if (!RUNNABLE.has(b.lang)) bad.push(`${where(b)}: a ${b.lang || 'plain'} block cannot run`);
      const exportsOnly = /^(export [A-Z_]+=\S+( [A-Z_]+=\S+)*\s*(#.*)?|#.*|)$/;
      if (m.env && !b.body.split('\n').every((l) => exportsOnly.test(l)))
        bad.push(`${where(b)}: an env block only exports addresses`);
      if (m.background && b.lang === 'ts') bad.push(`${where(b)}: run a file in the background`);
    }
    assert.deepEqual(bad, []);
  });
});

/** The addresses a walk-through's env block exports; the test gives each a free port. */
async function addresses(): Promise<Record<string, string>> {
  const [port, metrics, emu, receiver] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  return {
    PORT: String(port),
    METRICS_PORT: String(metrics),
    EMULATOR_PORT: String(emu),
    RECEIVER_PORT: String(receiver),
    CV_URL: `http://localhost:${port}`,
    EMU: `http://127.0.0.1:${emu}`,
    EMULATOR_VAULT_URL: `http://localhost:${port}`,
  };
}

test('a file shown on several pages is the same file', () => {
  const files = new Map<string, { at: string; body: string }>();
  const bad: string[] = [];
  for (const b of blocks) {
    if (b.marker?.kind !== 'run' || !b.marker.file) continue;
    const key = `${b.marker.walkthrough}/${b.marker.file}`;
    const first = files.get(key);
    if (!first) files.set(key, { at: where(b), body: b.body });
    else if (first.body !== b.body)
      bad.push(`${where(b)}: ${b.marker.file} differs from ${first.at}`);
  }
  assert.deepEqual(bad, []);
});

describe('a session', () => {
  const md = (...blocks: [string, string, string?][]) =>
    blocks
      .map(
        ([marker, body, lang = 'sh']) =>
          `<!-- snippet: ${marker} -->\n\n\`\`\`${lang}\n${body}\n\`\`\``,
      )
      .join('\n\n');

  test('runs the blocks in one shell; a failing command or a missing output fails, naming the block', async (t) => {
    const [set, echo, wrong, failing] = extractBlocks(
      't.md',
      md(
        ['run t', 'X=1'],
        ['run t expect="x is 1"', 'echo "x is $X"'],
        ['run t expect="never printed"', 'echo something else'],
        ['run t', 'false\necho not reached'],
      ),
    );
    const session = new SnippetSession(ROOT, { PATH: process.env.PATH });
    t.after(() => session.close());
    await session.run(set!);
    await session.run(echo!);
    await assert.rejects(session.run(wrong!), /^Error: t\.md:15 did not print "never printed"/);
    await assert.rejects(session.run(failing!), /^Error: t\.md:21 failed \(exit 1\)/);
  });

  test('a TypeScript block runs as a module of the repository (top-level await, its packages)', async (t) => {
    const [ts] = extractBlocks(
      't.md',
      md([
        'run t expect="ts ok function"',
        "import { verifyWebhook } from '@credential-vault/client';\nconsole.log('ts', await Promise.resolve('ok'), typeof verifyWebhook);",
        'ts',
      ]),
    );
    const session = new SnippetSession(ROOT, { PATH: process.env.PATH });
    t.after(() => session.close());
    await session.run(ts!);
  });

  test('a line the reader pastes gets what was printed before, and fails without it', async (t) => {
    const [paste] = extractBlocks(
      't.md',
      md(['run t expect="key is cvk_x"', 'export KEY=cvk_…   # the key\necho "key is $KEY"']),
    );
    const session = new SnippetSession(ROOT, { PATH: process.env.PATH });
    t.after(() => session.close());
    await assert.rejects(session.run(paste!), /nothing printed earlier to paste into KEY/);
    session.pastes.set('KEY', 'cvk_x');
    await session.run(paste!);
  });
});

test('the tools the walk-throughs ask a reader for are here (curl, jq)', () => {
  for (const tool of ['bash', 'curl', 'jq']) {
    const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
    assert.equal(r.status, 0, `${tool} is needed: the README asks a reader for it`);
  }
});

describe('the walk-throughs run as written', { concurrency: 2 }, () => {
  for (const [name, list] of walkthroughs(blocks)) {
    test(
      `${name}: ${list.length} blocks (${[...new Set(list.map((b) => b.file))].join(', ')})`,
      {
        timeout: 180_000,
      },
      async (t) => {
        const addr = await addresses();
        for (const b of list.filter((x) => x.marker?.kind === 'run' && x.marker.env)) {
          const names = [...b.body.matchAll(/([A-Z_]+)=/g)].map((m) => m[1]!);
          const unknown = names.filter((n) => !(n in addr));
          assert.deepEqual(unknown, [], `${where(b)}: the test has no address for these`);
        }
        // A reader's shell: no variables of the test run (npm_*, TEST_DATABASE_URL), the docs' own.
        const env: NodeJS.ProcessEnv = {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TMPDIR: process.env.TMPDIR,
          LANG: 'C.UTF-8',
          ...addr,
        };
        const session = new SnippetSession(ROOT, env);
        t.after(() => session.close());
        for (const b of list) await session.run(b);
      },
    );
  }
});
