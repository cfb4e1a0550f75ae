export { createVaultClient } from './client.js';
export type {
  ExchangeOptions,
  ProxyInit,
  TokenOptions,
  VaultClient,
  VaultClientOptions,
} from './client.js';
export type { AdminApi } from './admin.js';
export { VaultError, WebhookVerificationError, parseRetryAfter } from './errors.js';
export type { TransportErrorCode, WebhookVerificationReason } from './errors.js';
export type { FetchLike } from './http.js';
export type { Selector } from './selectors.js';
export { MIN_WEBHOOK_SECRET_BYTES, verifyWebhook } from './webhook.js';
export { ExportDecryptError, decryptExportedRecord } from './export-decrypt.js';
export type { VerifyWebhookOptions, WebhookEvent, WebhookHeaders } from './webhook.js';
export type * from './types.js';
