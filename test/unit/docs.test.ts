import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';

/**
 * The repository explains itself in its own files (docs/, the READMEs). So the code cites those
 * files, never a document the repository does not have, and every link into them — a Markdown
 * link, or a `docs/<page>.md#<heading>` in a comment — names a page and a heading that exist.
 * The patterns below are written in this file, which is therefore left out of the citation sweep.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const THIS = relative(ROOT, import.meta.filename);

/** Where the project's own text lives; generated output and installed packages are skipped. */
const ROOTS = ['src', 'clients', 'test', 'bench', 'scripts', 'docs', 'docker', '.ci'];
const TOP_FILES = ['README.md', 'Dockerfile', 'docker-compose.yml', '.env.example', 'package.json'];
const SKIP = new Set(['node_modules', 'dist', 'results', '.cache']);

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const p = join(dir, name);
    return statSync(join(ROOT, p)).isDirectory() ? walk(p) : [p];
  });
}

/** Repository-relative path → its text, for every text file of ours (binary files left out). */
const files = new Map(
  [...ROOTS.filter((d) => existsSync(join(ROOT, d))).flatMap(walk), ...TOP_FILES]
    .filter((f) => existsSync(join(ROOT, f)))
    .map((f) => [f, readFileSync(join(ROOT, f), 'utf8')] as const)
    .filter(([, text]) => !text.includes('\0')),
);
const markdown = [...files.keys()].filter((f) => f.endsWith('.md'));

/** References to documents kept outside the repository: the product spec and the old house rules. */
const CITATIONS = [
  /\bSPEC\s*§\s*[\w.]*/gi,
  /\bSPEC\.md\b/gi,
  /\bHOUSE\.md\b/gi,
  /\bHOUSE rules?\b(?:\s*\d+)?/g,
  /\bhouse rules?\s+\d+/gi,
];

/** Each citation in `text`, as `line: match` (one per place, however many patterns match it). */
function citations(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const hits = CITATIONS.flatMap((re) => [...line.matchAll(re)])
      .map((m) => ({ at: m.index, text: m[0] }))
      .sort((a, b) => a.at - b.at);
    let end = -1;
    for (const h of hits) {
      if (h.at < end) continue;
      found.push(`${i + 1}: ${h.text}`);
      end = h.at + h.text.length;
    }
  });
  return found;
}

/** The lines of a Markdown text outside fenced code blocks (where `#` starts a comment, not a heading). */
function proseLines(md: string): string[] {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of md.split('\n')) {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (f && f[0] === fence[0] && f.length >= fence.length && line.trim() === f) fence = null;
      continue;
    }
    if (f) {
      fence = f;
      continue;
    }
    out.push(line);
  }
  return out;
}

/** GitHub's anchor for a heading: its text, lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown text offers: its headings (repeats numbered as GitHub does) and `<a id>`s. */
function anchors(md: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(md)) {
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]!);
    const h = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!h) continue;
    const base = slug(h[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The link targets of a Markdown text (inline links and reference definitions), code left out. */
function links(md: string): string[] {
  const prose = proseLines(md)
    .join('\n')
    .replace(/(`+)[\s\S]*?[^`]\1(?!`)/g, '');
  return [
    ...[...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
      (m) => m[1]!,
    ),
    ...[...prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!),
  ];
}

/** `docs/<page>.md` and `docs/<page>.md#<heading>` named in any text (comments included). */
function docMentions(text: string): string[] {
  return [...text.matchAll(/(?<![\w/.-])(?:\.\.\/)*(docs\/[\w./-]*\.md(?:#[\w-]+)?)/g)].map(
    (m) => m[1]!,
  );
}

const anchorCache = new Map<string, Set<string>>();
const anchorsOf = (file: string) => {
  let a = anchorCache.get(file);
  if (!a) anchorCache.set(file, (a = anchors(readFileSync(join(ROOT, file), 'utf8'))));
  return a;
};

/**
 * Why `target` (relative to the repository's `from` file; `#x` alone: in that file) leads nowhere,
 * or null when it leads somewhere. Links that leave the repository are not followed.
 */
function broken(from: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return null;
  const [path, anchor] = target.split('#', 2) as [string, string | undefined];
  const file = path === '' ? from : relative(ROOT, resolve(ROOT, dirname(from), decodeURI(path)));
  if (file.startsWith('..')) return `${target} leaves the repository`;
  if (!existsSync(join(ROOT, file))) return `${target}: no such file`;
  if (anchor === undefined || !file.endsWith('.md') || statSync(join(ROOT, file)).isDirectory())
    return null;
  return anchorsOf(file).has(decodeURIComponent(anchor))
    ? null
    : `${target}: ${file} has no heading #${anchor}`;
}

describe('the checks themselves', () => {
  test('a heading’s anchor is GitHub’s', () => {
    assert.equal(slug('min_ttl'), 'min_ttl');
    assert.equal(slug('The `min_ttl` contract'), 'the-min_ttl-contract');
    assert.equal(
      slug('High availability: PostgreSQL failover'),
      'high-availability-postgresql-failover',
    );
    assert.equal(slug('Cache and LISTEN/NOTIFY'), 'cache-and-listennotify');
    assert.equal(slug('The admin CLI: `credential-vault`'), 'the-admin-cli-credential-vault');
    assert.equal(
      slug('Availability during a database blip: a decision'),
      'availability-during-a-database-blip-a-decision',
    );
    assert.equal(slug('[The proxy](proxy.md) and its 401s'), 'the-proxy-and-its-401s');
    assert.deepEqual(
      [...anchors('# A\n## Errors\n```sh\n# not a heading\n```\n### Errors\n<a id="x"></a>')],
      ['a', 'errors', 'errors-1', 'x'],
    );
  });

  test('links are found in prose, not in code', () => {
    const md = [
      'See [contracts](contracts.md#min_ttl) and [the web](https://example.com).',
      'Not this: `[x](nowhere.md)`.',
      '```md',
      '[y](nowhere-either.md)',
      '```',
      '[ref]: security.md#tenants',
    ].join('\n');
    assert.deepEqual(links(md), [
      'contracts.md#min_ttl',
      'https://example.com',
      'security.md#tenants',
    ]);
  });

  test('a link to a missing page or heading is broken; one that exists is not', () => {
    assert.equal(broken('docs/README.md', 'contracts.md#min_ttl'), null);
    assert.equal(broken('README.md', 'docs/contracts.md#errors'), null);
    assert.equal(broken('README.md', '#quick-start'), null);
    assert.equal(broken('docs/README.md', 'https://example.com/nowhere.md'), null);
    assert.match(broken('docs/README.md', 'nowhere.md') ?? '', /no such file/);
    assert.match(broken('docs/README.md', 'contracts.md#no-such-heading') ?? '', /has no heading/);
    assert.match(broken('README.md', '#no-such-heading') ?? '', /has no heading/);
  });

  test('citations of outside documents are found; our own pages are not citations', () => {
    const src = [
      '/** Envelope encryption (SPEC §7). */',
      '// time is injected (HOUSE rule 6)',
      '// the proxy (SPEC §4a), see also SPEC.md',
      '// see docs/house-rules.md#time-is-injected and RFC 9110 §7.6.1',
    ].join('\n');
    assert.deepEqual(citations(src), [
      '1: SPEC §7',
      '2: HOUSE rule 6',
      '3: SPEC §4a',
      '3: SPEC.md',
    ]);
    assert.deepEqual(docMentions(src), ['docs/house-rules.md#time-is-injected']);
  });
});

describe('the repository cites its own files', () => {
  test('the sweep reads the sources, the tests and the docs', () => {
    for (const f of [
      'src/deps.ts',
      'docs/README.md',
      'README.md',
      'test/unit/architecture.test.ts',
    ])
      assert.ok(files.has(f), `${f} is swept`);
  });

  test('no source, test, script or page cites a document the repository does not have', () => {
    const bad = [...files]
      .filter(([f]) => f !== THIS)
      .flatMap(([f, text]) => citations(text).map((c) => `${f}:${c}`));
    assert.deepEqual(bad, [], 'point at the docs/ page that says it, or give the reason in words');
  });

  test('every Markdown link inside the repository leads to a file and heading that exist', () => {
    const bad = markdown.flatMap((f) =>
      links(files.get(f)!).flatMap((t) => {
        const why = broken(f, t);
        return why ? [`${f}: ${why}`] : [];
      }),
    );
    assert.deepEqual(bad, []);
  });

  test('every docs/ page and heading named in a comment or a text exists', () => {
    const bad = [...files].flatMap(([f, text]) =>
      docMentions(text).flatMap((m) => {
        const why = broken('README.md', m);
        return why ? [`${f}: ${why}`] : [];
      }),
    );
    assert.deepEqual(bad, []);
  });

  test('every docs/ page is in the index, and the README leads to the index', () => {
    const indexed = new Set(
      links(files.get('docs/README.md')!).map((t) => t.split('#')[0]!.replace(/^\.\//, '')),
    );
    const pages = [...files.keys()]
      .filter((f) => /^docs\/[^/]+\.md$/.test(f) && f !== 'docs/README.md')
      .map((f) => f.slice('docs/'.length));
    assert.ok(pages.length >= 8, `docs pages found: ${pages.join(', ')}`);
    assert.deepEqual(
      pages.filter((p) => !indexed.has(p)),
      [],
      'add a row for the page to docs/README.md',
    );
    assert.ok(links(files.get('README.md')!).includes('docs/README.md'));
  });
});
