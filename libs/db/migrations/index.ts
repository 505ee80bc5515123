/** Every migration, in order. A new migration is a new file here and a line in this list. */
import { InitialSchemaMigration } from './20261124-initial.migration.ts';

export const MIGRATIONS = [{ name: '20261124-initial', class: InitialSchemaMigration }];
