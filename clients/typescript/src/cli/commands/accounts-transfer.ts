// `accounts import|export|decrypt-export`: moving grants into the vault and out of it. Tokens
// never come from flags: records and keys are read from files (or stdin).
import { readFile } from 'node:fs/promises';
import type { JsonWebKey } from 'node:crypto';
import { decryptExportedRecord, ExportDecryptError } from '../../export-decrypt.js';
import type { ExportRequest, ImportQuery } from '../../types.js';
import { choiceFlag } from '../args.js';
import { command } from '../command.js';
import type { Context } from '../context.js';
import { CliError, EXIT, UsageError } from '../exit.js';
import { table } from '../output.js';

const FORMATS = ['plain', 'nango', 'vault'] as const;
/** How often an import job is asked how far it got. */
const POLL_MS = 500;

/** A file's text, or stdin's for `-`. */
async function readInput(ctx: Context, path: string): Promise<string> {
  if (path !== '-') {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.io.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The records of an import file: a JSON array, an object holding one (`connections`, as Nango's
 * list answers, or `records`), or NDJSON. A line that is not JSON is sent as null: the vault
 * reports it as that record's failure, and the other records go on.
 */
export function recordsOf(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed;
      const o = parsed as Record<string, unknown>;
      for (const k of ['connections', 'records']) if (Array.isArray(o[k])) return o[k] as unknown[];
      return [parsed];
    } catch {
      // several lines: NDJSON
    }
  }
  return trimmed
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        return null;
      }
    });
}

/** A JWK from a file; what is wrong with it is said without quoting it. */
async function jwkFile(path: string, flag: string): Promise<JsonWebKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  try {
    const jwk = JSON.parse(text) as JsonWebKey;
    if (typeof jwk === 'object' && jwk !== null && typeof jwk.kty === 'string') return jwk;
  } catch {
    // fall through
  }
  throw new UsageError(`--${flag}: ${path} is not a JSON Web Key`);
}

export const importCommand = command({
  summary:
    'Import grants held elsewhere (Nango, Vault oauthapp, plain records) without a reconnect',
  description:
    'Each record is verified with one refresh: the source’s copy of its refresh token is spent, so stop the source for these accounts first. Records already imported are unchanged (safe to repeat). Runs as an import job, polled until it ends; --json prints the job. Exits 5 when any record failed.',
  args: [{ name: 'file', help: 'JSON array or NDJSON of records; - for stdin', required: true }],
  options: {
    format: {
      type: 'string',
      value: '<plain|nango|vault>',
      help: 'the records’ shape (default: detected)',
    },
    'dry-run': {
      type: 'boolean',
      help: 'check shapes, configs and duplicates only: no provider call, nothing stored',
    },
    'config-map': {
      type: 'string',
      multiple: true,
      value: '<key=ac_…>',
      help: 'map a Nango provider_config_key (or another vault’s config id) to an auth config; repeatable',
    },
    'auth-config': {
      type: 'string',
      value: '<ac_…>',
      help: 'the auth config of records that name none',
    },
  },
  examples: [
    'credential-vault accounts import nango.ndjson --format nango --config-map jira-prod=ac_… --dry-run',
  ],
  async run(ctx, { args, values: v }) {
    const records = recordsOf(await readInput(ctx, args.file!));
    const query: ImportQuery = {
      format: choiceFlag(v.format, 'format', FORMATS),
      dry_run: v['dry-run'] || undefined,
      config_map: v['config-map']?.length ? v['config-map'].join(',') : undefined,
      auth_config_id: v['auth-config'],
    };
    // A job, so that a file of thousands of records outlives no request timeout: polled until done.
    const accounts = ctx.vault().connectedAccounts;
    let job = await accounts.startImportJob(records, query);
    ctx.note(`import job ${job.id}: ${job.counts.total} records`);
    while (job.status === 'running') {
      await new Promise((r) => setTimeout(r, POLL_MS));
      job = await accounts.importJob(job.id);
      if (ctx.io.errIsTTY) ctx.note(`${job.counts.done}/${job.counts.total} records`);
    }
    if (job.status !== 'done') {
      throw new CliError(
        'import_job_failed',
        `import job ${job.id} ${job.status}${job.error ? ` (${job.error})` : ''}; run the import again: imported records are unchanged`,
      );
    }
    const answer = job;
    if (ctx.json) ctx.printJson(answer);
    else {
      const c = answer.counts;
      ctx.print(
        `${c.total} records (${answer.format}${answer.dry_run ? ', dry run' : ''}): ${c.imported} imported, ${c.unchanged} unchanged, ${c.valid} valid, ${c.failed} failed`,
      );
      const failed = answer.results.filter((r) => r.status === 'failed');
      if (failed.length) {
        ctx.print(
          table(failed, [
            { header: 'INDEX', value: (r) => r.index },
            { header: 'EXTERNAL ID', value: (r) => r.external_id },
            { header: 'CODE', value: (r) => r.code },
            { header: 'REFRESHED', value: (r) => (r.refreshed ? 'yes' : 'no') },
            { header: 'DETAIL', value: (r) => r.detail },
          ]),
        );
      }
    }
    if (answer.counts.failed > 0)
      throw new CliError(
        'import_incomplete',
        `${answer.counts.failed} records failed`,
        EXIT.conflict,
      );
  },
});

export const exportCommand = command({
  summary:
    'Export accounts with their refresh tokens, encrypted to your public key (NDJSON on stdout)',
  description:
    'Exported accounts are DISABLED (exported) so that only the importer uses their rotating refresh tokens, unless --keep-active. The public key is an EC P-256/P-384 or X25519 JWK in a file.',
  options: {
    'public-key': {
      type: 'string',
      value: '<file>',
      help: 'the public JWK to encrypt to',
      required: true,
    },
    'auth-config': {
      type: 'string',
      multiple: true,
      value: '<ac_…>',
      help: 'only this config’s accounts; repeatable',
    },
    account: {
      type: 'string',
      multiple: true,
      value: '<ca_…>',
      help: 'only this account; repeatable',
    },
    'keep-active': {
      type: 'boolean',
      help: 'leave the accounts ACTIVE (a backup: never import it while this vault runs)',
    },
  },
  examples: ['credential-vault accounts export --public-key jwk.pub.json > export.ndjson'],
  async run(ctx, { values: v }) {
    const jwk = await jwkFile(v['public-key']!, 'public-key');
    if ('d' in jwk)
      throw new UsageError(
        '--public-key: this file holds a private key; give the public part only',
      );
    const body: ExportRequest = {
      public_key: jwk as ExportRequest['public_key'],
      auth_config_ids: v['auth-config']?.length ? v['auth-config'] : undefined,
      account_ids: v.account?.length ? v.account : undefined,
      keep_active: v['keep-active'] || undefined,
    };
    let summary: { exported: number; disabled: number; left_out: number } | undefined;
    for await (const line of ctx.vault().connectedAccounts.export(body)) {
      if ('summary' in line) summary = line.summary;
      ctx.io.out(`${JSON.stringify(line)}\n`);
    }
    if (!summary) throw new CliError('export_cut_off', 'the export ended without its summary line');
    ctx.note(`${summary.exported} accounts exported, ${summary.disabled} disabled`);
    if (summary.left_out > 0) {
      ctx.note(
        `${summary.left_out} accounts were being refreshed and were left out: export again (same filters) in a minute`,
      );
    }
  },
});

export const decryptExportCommand = command({
  summary: 'Decrypt an export (stdin) with the private key into plain import records (stdout)',
  description:
    'The output holds plaintext refresh tokens: import it and delete it. The private key is read from a file, never from the command line.',
  options: {
    'private-key': { type: 'string', value: '<file>', help: 'the private JWK', required: true },
  },
  examples: [
    'credential-vault accounts decrypt-export --private-key jwk.json < export.ndjson > records.ndjson',
  ],
  async run(ctx, { values: v }) {
    const jwk = await jwkFile(v['private-key']!, 'private-key');
    let records = 0;
    let summary: unknown;
    for (const [i, line] of (await readInput(ctx, '-')).split('\n').entries()) {
      if (!line.trim()) continue;
      let parsed: { jwe?: unknown; summary?: unknown };
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new UsageError(`line ${i + 1} is not JSON: is this an export?`);
      }
      if (parsed.summary) {
        summary = parsed.summary;
        continue;
      }
      try {
        ctx.io.out(`${JSON.stringify(decryptExportedRecord(String(parsed.jwe), jwk))}\n`);
      } catch (err) {
        if (err instanceof ExportDecryptError)
          throw new CliError('decrypt_failed', `line ${i + 1}: ${err.message}`);
        throw err;
      }
      records++;
    }
    ctx.note(`${records} records decrypted`);
    if (!summary)
      throw new CliError('export_cut_off', 'the export has no summary line: it was cut off');
  },
});
