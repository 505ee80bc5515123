/** Users: create, find by email. Emails are stored lower-cased so lookups are exact. */
import type { InferEntity } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Database } from './database.ts';
import { olderThan, toPage, type Page, type PageRequest } from './pagination.ts';
import { UserEntity, type UserRole } from './entities/user.entity.ts';

export type UserRow = InferEntity<typeof UserEntity>;

export class EmailTakenError extends Error {
  constructor() {
    super('an account with this email already exists');
    this.name = 'EmailTakenError';
  }
}

export class UserRepository {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async create(input: { id: string; email: string; passwordHash: string; role: UserRole; createdAt: Date }): Promise<UserRow> {
    const em = this.#database.em();
    const user = em.create(UserEntity, { ...input, email: input.email.toLowerCase() });
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new EmailTakenError();
      throw error;
    }
    return user;
  }

  async findByEmail(email: string): Promise<UserRow | null> {
    return this.#database.em().findOne(UserEntity, { email: email.toLowerCase() });
  }

  async findById(id: string): Promise<UserRow | null> {
    return this.#database.em().findOne(UserEntity, { id });
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.#database.em().nativeUpdate(UserEntity, { id }, { passwordHash });
  }

  /** Gives the account with this email a role; null when there is no such account. */
  async setRole(email: string, role: UserRole): Promise<UserRow | null> {
    const em = this.#database.em();
    const user = await em.findOne(UserEntity, { email: email.toLowerCase() });
    if (!user) return null;
    user.role = role;
    await em.flush();
    return user;
  }

  /** Every account, newest first, a page at a time (for admins). */
  async list<T>(page: PageRequest, view: (row: UserRow) => T): Promise<Page<T>> {
    const rows = await this.#database.em().find(
      UserEntity,
      olderThan('createdAt', page.cursor),
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: page.limit + 1 },
    );
    return toPage(rows, page.limit, (row) => ({ time: row.createdAt, id: row.id }), view);
  }
}
