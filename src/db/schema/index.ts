export * from './tenants.ts';
export * from './data-keys.ts';
export * from './api-keys.ts';
export * from './auth-configs.ts';
export * from './connected-accounts.ts';
export * from './connect-sessions.ts';
export * from './audit-events.ts';
export * from './events.ts';
