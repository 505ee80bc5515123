/** The audit log: appended by the gateway, the REPL and the admin command; read by admins. */
import type { InferEntity } from '@mikro-orm/core';
import type { Database } from './database.ts';
import { AuditEntryEntity } from './entities/audit-entry.entity.ts';
import { olderThan, toPage, type Page, type PageRequest } from './pagination.ts';

export type AuditEntryRow = InferEntity<typeof AuditEntryEntity>;
export type NewAuditEntry = Omit<AuditEntryRow, never>;

export interface AuditFilter {
  readonly actorId?: string | undefined;
}

export class AuditRepository {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async append(entry: NewAuditEntry): Promise<void> {
    const em = this.#database.em();
    em.create(AuditEntryEntity, entry);
    await em.flush();
  }

  /** Entries newest first, a page at a time. */
  async list<T>(filter: AuditFilter, page: PageRequest, view: (row: AuditEntryRow) => T): Promise<Page<T>> {
    const where = { ...(filter.actorId !== undefined ? { actorId: filter.actorId } : {}), ...olderThan('at', page.cursor) };
    const rows = await this.#database.em().find(AuditEntryEntity, where, { orderBy: { at: 'desc', id: 'desc' }, limit: page.limit + 1 });
    return toPage(rows, page.limit, (row) => ({ time: row.at, id: row.id }), view);
  }
}
