/**
 * Opens the platform's database: Postgres (pooled) when a URL is given, PGlite in the data
 * folder otherwise (DESIGN.md §3), with the same entities and migrations on both.
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { MikroORM as PostgresORM, type SqlEntityManager } from '@mikro-orm/postgresql';
import { MikroORM as PgliteORM } from '@mikro-orm/pglite';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../platform/logger.ts';
import { ENTITIES } from './entities/index.ts';
import { MIGRATIONS } from './migrations/index.ts';

export type DatabaseKind = 'postgres' | 'pglite';

export interface DatabaseOptions {
  /** Postgres URL; undefined opens PGlite under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Pool size for Postgres (PGlite has one connection). */
  readonly poolSize: number;
  readonly logger: Logger;
}

export interface Database {
  readonly kind: DatabaseKind;
  readonly orm: PostgresORM | PgliteORM;
  /** A fresh entity manager with its own identity map, for one unit of work. */
  em(): SqlEntityManager;
  close(): Promise<void>;
}

const MIGRATIONS_TABLE = 'schema_migrations';

function sharedOptions(logger: Logger) {
  return {
    entities: ENTITIES,
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, tableName: MIGRATIONS_TABLE, silent: true, snapshot: false, transactional: true, allOrNothing: true },
    debug: false,
    logger: (message: string) => logger.debug({ component: 'orm' }, message),
    // Entities are plain schemas: no discovery by reflection or file scanning.
    discovery: { warnWhenNoEntities: true },
  };
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl !== undefined) {
    const orm = await PostgresORM.init({
      ...sharedOptions(options.logger),
      clientUrl: options.databaseUrl,
      pool: { min: 0, max: options.poolSize, idleTimeoutMillis: 30_000 },
    });
    return { kind: 'postgres', orm, em: () => orm.em.fork() as unknown as SqlEntityManager, close: () => orm.close() };
  }
  const folder = path.join(options.dataDir, 'pglite');
  mkdirSync(folder, { recursive: true });
  const orm = await PgliteORM.init({ ...sharedOptions(options.logger), dbName: folder });
  return { kind: 'pglite', orm, em: () => orm.em.fork() as unknown as SqlEntityManager, close: () => orm.close() };
}

/** Any fixed number: the Postgres advisory lock that lets one process at a time migrate. */
const MIGRATION_LOCK_KEY = 7_401_121;

/**
 * Applies pending migrations; returns the names applied. On Postgres, replicas starting
 * together take turns under an advisory lock, so each migration runs once.
 */
export async function migrateDatabase(database: Database): Promise<string[]> {
  if (database.kind === 'pglite') return (await database.orm.migrator.up()).map((migration) => migration.name);
  const connection = database.orm.em.getConnection();
  return connection.transactional(async (transaction) => {
    await connection.execute('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY], 'all', transaction);
    const applied = await database.orm.migrator.up({ transaction });
    return applied.map((migration) => migration.name);
  });
}

/** Names of migrations not yet applied (empty when the schema is current). */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const pending = await database.orm.migrator.getPending();
  return pending.map((migration) => migration.name);
}
