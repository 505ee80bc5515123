/**
 * Keyset pagination, newest first: a page ends with an opaque cursor naming the last row
 * (its time and id), and the next page starts strictly after it. Stable while new rows
 * arrive at the top, unlike offsets.
 */

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface CursorPosition {
  readonly time: Date;
  readonly id: string;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API returned');
    this.name = 'InvalidCursorError';
  }
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.time.getTime(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && typeof parsed[1] === 'string' && parsed[1].length <= 64) {
      return { time: new Date(parsed[0] as number), id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidCursorError();
}

/** Builds a page from `limit + 1` fetched rows (the extra row tells whether more exist). */
export function toPage<R, T>(rows: readonly R[], limit: number, position: (row: R) => CursorPosition, view: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(view), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(position(last)) : null };
}

/** The query condition for rows strictly older than the cursor, by (`field`, id); empty without a cursor. */
export function olderThan(field: string, cursor: string | undefined): object {
  if (cursor === undefined) return {};
  const position = decodeCursor(cursor);
  return { $or: [{ [field]: { $lt: position.time } }, { [field]: position.time, id: { $lt: position.id } }] };
}
