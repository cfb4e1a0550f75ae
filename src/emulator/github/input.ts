// Checks of the code/admin API's input for the GitHub side; a bad value is an EmuInputError (400).
import { EmuInputError } from '../errors.ts';

export function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw new EmuInputError(`${field} is required`);
  return v;
}

export function optionalText(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new EmuInputError(`${field} must be a string or null`);
  return v;
}

export function optionalBool(v: unknown, field: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new EmuInputError(`${field} must be a boolean`);
  return v;
}

export function positiveInt(v: unknown, field: string, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
    throw new EmuInputError(`${field} must be a positive integer`);
  }
  return v;
}
