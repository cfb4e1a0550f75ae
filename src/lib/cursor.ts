import { badRequest } from './errors.ts';

/** Opaque cursors: the id of the last row of the previous page (ids sort by creation time). */
export const encodeCursor = (lastId: string): string =>
  Buffer.from(lastId, 'utf8').toString('base64url');

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z]{2,3}_[0-9a-z]{26}$/.test(id))
    throw badRequest('invalid_cursor', 'query.cursor is not a cursor this API returned');
  return id;
}
