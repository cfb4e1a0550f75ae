// Shared by the admin routes: JSON object bodies with camelCase or snake_case field names.
import { EmuInputError } from './errors.ts';

export type Body = Record<string, unknown>;

export function body(raw: unknown): Body {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new EmuInputError('a JSON object body is required');
  }
  return raw as Body;
}

/** Accepts camelCase or snake_case field names. */
export function pick(b: Body, camel: string, snake: string): unknown {
  return b[camel] ?? b[snake];
}
