/** Backtests (the users' runs and the queue of them) and candles fetched from exchanges. */
import { Migration } from '@mikro-orm/migrations';

export class BacktestsAndCandlesMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table candles (
      source varchar(64) not null,
      market varchar(32) not null,
      timeframe varchar(8) not null,
      open_time bigint not null,
      open double precision null,
      high double precision null,
      low double precision null,
      close double precision null,
      volume double precision null,
      fetched_at timestamptz not null,
      primary key (source, market, timeframe, open_time)
    )`);
    this.addSql(`create table backtests (
      id uuid primary key,
      user_id uuid not null references users (id),
      status varchar(16) not null check (status in ('queued', 'running', 'completed', 'failed')),
      request jsonb not null,
      progress double precision not null check (progress >= 0 and progress <= 1),
      result jsonb null,
      error text null,
      attempts int not null,
      created_at timestamptz not null,
      started_at timestamptz null,
      heartbeat_at timestamptz null,
      finished_at timestamptz null
    )`);
    this.addSql('create index backtests_user_id_created_at_index on backtests (user_id, created_at)');
    this.addSql(`create index backtests_unfinished_index on backtests (created_at) where status in ('queued', 'running')`);
  }
}
