// `keys`: the tenant's API keys (admin key), or with --operator the operator keys (operator key).
// A created key is printed once, alone on stdout, so that `KEY=$(credential-vault keys create …)`
// captures exactly it.
import type { ApiKey, CreateApiKey } from '../../types.js';
import { choiceFlag, listFlag } from '../args.js';
import { command, group, type Options } from '../command.js';
import { fetchList, PAGE_OPTIONS, printPage } from '../common.js';
import { UsageError } from '../exit.js';

const OPERATOR = {
  operator: {
    type: 'boolean',
    help: "operator keys (CV_KEY must be an operator key) instead of the tenant's API keys",
  },
} as const satisfies Options;

const create = command({
  summary: 'Create an API key; prints the key once',
  options: {
    name: { type: 'string', required: true, value: '<name>', help: 'what the key is for' },
    role: {
      type: 'string',
      value: 'admin|service',
      help: 'admin (everything in the tenant) or service (tokens only); required unless --operator',
    },
    'auth-config': {
      type: 'string',
      multiple: true,
      value: '<ac_…>',
      help: "service keys: limit the key to these auth configs (default: all of the tenant's)",
    },
    ...OPERATOR,
  },
  examples: [
    'SERVICE_KEY=$(credential-vault keys create --name backend --role service --auth-config ac_…)',
  ],
  async run(ctx, { values: v }) {
    const vault = ctx.vault();
    let created: { id: string; role: string; key: string };
    if (v.operator) {
      if (v.role !== undefined || v['auth-config'] !== undefined) {
        throw new UsageError('operator keys take only --name');
      }
      created = await vault.operatorKeys.create({ name: v.name! });
    } else {
      const role = choiceFlag(v.role, 'role', ['admin', 'service']);
      if (role === undefined) throw new UsageError('missing --role (admin or service)');
      const body: CreateApiKey = { name: v.name!, role };
      const ids = listFlag(v['auth-config']);
      if (ids) body.auth_config_ids = ids;
      created = await vault.apiKeys.create(body);
    }
    if (ctx.json) return ctx.printJson(created);
    ctx.print(created.key);
    ctx.note(
      `${created.role} key ${created.id} created. This is the only time it is shown: store it now.`,
    );
  },
});

const columns = [
  { header: 'ID', value: (k: ApiKey) => k.id },
  { header: 'NAME', value: (k: ApiKey) => k.name },
  { header: 'ROLE', value: (k: ApiKey) => k.role },
  { header: 'AUTH CONFIGS', value: (k: ApiKey) => k.auth_config_ids },
  { header: 'CREATED', value: (k: ApiKey) => k.created_at },
  { header: 'REVOKED', value: (k: ApiKey) => k.revoked_at },
];

const list = command({
  summary: 'List API keys (never their secrets), revoked ones included',
  options: { ...OPERATOR, ...PAGE_OPTIONS },
  async run(ctx, { values: v }) {
    const vault = ctx.vault();
    const page = await fetchList(v.operator ? vault.operatorKeys : vault.apiKeys, {}, v);
    printPage(ctx, page, columns, 'keys');
  },
});

const revoke = command({
  summary: 'Revoke a key: it stops working at once on every replica (the record stays)',
  args: [{ name: 'id', help: 'the key id (key_…)', required: true }],
  options: { ...OPERATOR },
  async run(ctx, { args, values: v }) {
    const vault = ctx.vault();
    const k = await (v.operator ? vault.operatorKeys : vault.apiKeys).revoke(args.id!);
    if (ctx.json) return ctx.printJson(k);
    ctx.print(`key ${k.id} revoked at ${k.revoked_at}`);
  },
});

export const keys = group({
  summary: 'Create, list and revoke API keys',
  children: { create, list, revoke },
});
