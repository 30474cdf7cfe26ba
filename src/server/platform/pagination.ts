import { z } from 'zod';
import { ValidationError } from './errors.js';

export const ZLimit = z.coerce.number().int().min(1).max(200).default(50);
export const ZCursor = z.string().max(500).optional();

/** Opaque keyset cursor: the sort key values of the last row, base64url-encoded JSON. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | undefined {
  if (!cursor) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === arity) return v;
  } catch {
    /* fall through */
  }
  throw new ValidationError('分页游标无效 / Invalid cursor', [{ path: 'cursor', message: 'invalid' }]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}
