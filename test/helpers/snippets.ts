// The fenced code blocks of the README and docs/, and what each one's marker says to do with it.
// The scheme is described in test/README.md#snippets (and docs/house-rules.md#tests):
//
//   <!-- snippet: run <walk-through> [env | background ready=<url> | file=<name>] [expect="text"…] -->
//   <!-- snippet: excerpt <why it is not run> -->
//
// on the last non-blank line before the fence. A block without a marker is an error, so that a new
// page cannot add a command nobody ever ran.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface RunMarker {
  kind: 'run';
  walkthrough: string;
  /** the walk-through's addresses: the test exports the same names with its own free ports */
  env: boolean;
  /** typed into another terminal: started in the background, ready once `ready` answers */
  background: boolean;
  ready?: string;
  /** a TypeScript (or other) file the walk-through writes and later commands run */
  file?: string;
  /** text the block's output must contain (what the page says it prints) */
  expect: string[];
}
export interface ExcerptMarker {
  kind: 'excerpt';
  reason: string;
}

export interface Block {
  /** repository-relative path */
  file: string;
  /** 1-based line of the opening fence */
  line: number;
  lang: string;
  /** the block's text, its indentation (a block inside a list item) removed */
  body: string;
  marker: RunMarker | ExcerptMarker | null;
  /** why the marker could not be read (then marker is null) */
  markerError?: string;
}

const FENCE = /^( {0,3}|\s*)(`{3,}|~{3,})\s*([\w+-]*)/;
const MARKER = /^\s*<!--\s*snippet:\s*(.*?)\s*-->\s*$/;

/** The marker text after `snippet:`, read; a string says what is wrong with it. */
export function parseMarker(text: string): RunMarker | ExcerptMarker | string {
  // words, or name="a quoted value"
  const [kind, ...rest] = [...text.matchAll(/(\w+)="([^"]*)"|\S+/g)].map((t) =>
    t[1] ? `${t[1]}=${t[2]}` : t[0],
  );
  if (kind === 'excerpt') {
    const reason = rest.join(' ').replace(/^[—–-]\s*/, '');
    return reason ? { kind: 'excerpt', reason } : 'an excerpt marker says why it is not run';
  }
  if (kind !== 'run') return `unknown snippet kind "${kind}" (run or excerpt)`;
  const [walkthrough, ...opts] = rest;
  if (!walkthrough || !/^[\w-]+$/.test(walkthrough)) return 'run needs a walk-through name';
  const m: RunMarker = { kind: 'run', walkthrough, env: false, background: false, expect: [] };
  for (const o of opts) {
    if (o === 'env') m.env = true;
    else if (o === 'background') m.background = true;
    else if (o.startsWith('ready=')) m.ready = o.slice('ready='.length);
    else if (o.startsWith('file=')) m.file = o.slice('file='.length);
    else if (o.startsWith('expect=')) m.expect.push(o.slice('expect='.length));
    else return `unknown run option "${o}"`;
  }
  if (m.background && !m.ready) return 'a background block names the URL that answers once ready';
  if (m.file && !/^[\w.-]+$/.test(m.file)) return `file=${m.file}: a plain file name`;
  return m;
}

/** Every fenced block of a Markdown text, with its marker. */
export function extractBlocks(file: string, md: string): Block[] {
  const lines = md.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      const close = FENCE.exec(l);
      if (close && close[2]![0] === fence[0] && close[2]!.length >= fence.length && !close[3])
        break;
      body.push(l.startsWith(indent) ? l.slice(indent.length) : l.trimStart());
    }
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const markerLine = k >= 0 ? MARKER.exec(lines[k]!) : null;
    const block: Block = { file, line: i + 1, lang, body: body.join('\n'), marker: null };
    if (!markerLine) block.markerError = 'no <!-- snippet: … --> marker before the fence';
    else {
      const m = parseMarker(markerLine[1]!);
      if (typeof m === 'string') block.markerError = m;
      else block.marker = m;
    }
    out.push(block);
    i = j;
  }
  return out;
}

/** The pages whose blocks are checked: the README, then docs/*.md in name order. */
export function documentedPages(root: string): string[] {
  return [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ];
}

export function allBlocks(root: string): Block[] {
  return documentedPages(root).flatMap((f) =>
    extractBlocks(f, readFileSync(join(root, f), 'utf8')),
  );
}

/** The run blocks of each walk-through, in reading order (the README first, then docs/ by name). */
export function walkthroughs(blocks: Block[]): Map<string, Block[]> {
  const out = new Map<string, Block[]>();
  for (const b of blocks) {
    if (b.marker?.kind !== 'run') continue;
    const list = out.get(b.marker.walkthrough) ?? [];
    list.push(b);
    out.set(b.marker.walkthrough, list);
  }
  return out;
}

/**
 * A line `export NAME=…` whose value holds an ellipsis is one the reader completes by pasting what an
 * earlier step printed (the admin key of the first start). The names, in order of appearance.
 */
export const PASTE_LINE = /^export ([A-Z_][A-Z0-9_]*)=\S*…\S*(\s+#.*)?$/;
