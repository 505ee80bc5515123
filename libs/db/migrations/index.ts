/** Every migration, in order. A new migration is a new file here and a line in this list. */
import { InitialSchemaMigration } from './20261124-initial.migration.ts';
import { RiskAndLiveExecutionMigration } from './20261125-risk-and-live-execution.migration.ts';
import { BacktestsAndCandlesMigration } from './20261126-backtests-and-candles.migration.ts';
import { FenceMovesForwardMigration } from './20261127-fence-moves-forward.migration.ts';
import { SessionsAndAuditMigration } from './20261128-sessions-and-audit.migration.ts';

export const MIGRATIONS = [
  { name: '20261124-initial', class: InitialSchemaMigration },
  { name: '20261125-risk-and-live-execution', class: RiskAndLiveExecutionMigration },
  { name: '20261126-backtests-and-candles', class: BacktestsAndCandlesMigration },
  { name: '20261127-fence-moves-forward', class: FenceMovesForwardMigration },
  { name: '20261128-sessions-and-audit', class: SessionsAndAuditMigration },
];
