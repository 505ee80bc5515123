/** Users: create, find by email. Emails are stored lower-cased so lookups are exact. */
import type { InferEntity } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Database } from './database.ts';
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
}
