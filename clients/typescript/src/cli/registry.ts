// Every top-level command group of the CLI. A new group is a file in commands/ and a line here.
import type { Node } from './command.js';
import { accounts } from './commands/accounts.js';
import { audit } from './commands/audit.js';
import { authConfigs } from './commands/auth-configs.js';
import { issuers } from './commands/issuers.js';
import { keys } from './commands/keys.js';
import { policies } from './commands/policies.js';
import { token } from './commands/token.js';
import { webhooks } from './commands/webhooks.js';

export const registry: Record<string, Node> = {
  'auth-configs': authConfigs,
  accounts,
  token,
  keys,
  policies,
  issuers,
  audit,
  webhooks,
};
