/** The first schema: users, bots and their trading state, decisions, orders, fills, positions, market clocks. */
import { Migration } from '@mikro-orm/migrations';

export class InitialSchemaMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table users (
      id uuid primary key,
      email varchar(254) not null constraint users_email_unique unique,
      password_hash text not null,
      role varchar(16) not null check (role in ('user', 'admin')),
      created_at timestamptz not null
    )`);
    this.addSql(`create table bots (
      id uuid primary key,
      user_id uuid not null references users (id),
      name varchar(100) not null,
      exchange varchar(64) not null,
      market_source varchar(64) not null,
      market varchar(32) not null,
      timeframe varchar(8) not null,
      strategy_name varchar(64) not null,
      strategy_params jsonb not null,
      risk jsonb not null,
      initial_balance numeric(38, 18) not null check (initial_balance >= 0),
      status varchar(16) not null,
      status_reason text null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql('create index bots_user_id_index on bots (user_id)');
    this.addSql(`create index bots_scheduled_index on bots (market_source, market, timeframe) where status in ('running', 'paused')`);
    this.addSql(`create table bot_states (
      bot_id uuid primary key references bots (id),
      sequence bigint not null,
      last_candle_time timestamptz null,
      resume_from timestamptz null,
      quote_balance numeric(38, 18) not null check (quote_balance >= 0),
      base_balance numeric(38, 18) not null check (base_balance >= 0),
      trading_day varchar(10) null,
      trades_today int not null,
      realized_profit_today numeric(38, 18) not null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create table decisions (
      id bigserial primary key,
      bot_id uuid not null references bots (id),
      candle_time timestamptz not null,
      signal varchar(8) not null,
      price numeric(38, 18) null,
      indicators jsonb not null,
      outcome varchar(16) not null,
      reason text not null,
      order_id uuid null,
      created_at timestamptz not null,
      constraint decisions_bot_id_candle_time_unique unique (bot_id, candle_time)
    )`);
    this.addSql(`create table orders (
      id uuid primary key,
      bot_id uuid not null references bots (id),
      client_order_id varchar(64) not null constraint orders_client_order_id_unique unique,
      exchange_order_id varchar(128) null,
      market varchar(32) not null,
      side varchar(8) not null check (side in ('buy', 'sell')),
      type varchar(16) not null,
      quantity numeric(38, 18) not null check (quantity > 0),
      reference_price numeric(38, 18) not null,
      candle_time timestamptz not null,
      reason text not null,
      status varchar(20) not null,
      filled_quantity numeric(38, 18) not null,
      average_fill_price numeric(38, 18) null,
      fee numeric(38, 18) not null,
      fee_currency varchar(16) null,
      status_reason text null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`);
    this.addSql('create index orders_bot_id_created_at_index on orders (bot_id, created_at desc)');
    this.addSql(`create index orders_unfinished_index on orders (status) where status not in ('filled', 'cancelled', 'rejected')`);
    this.addSql(`create table fills (
      id uuid primary key,
      order_id uuid not null references orders (id),
      bot_id uuid not null references bots (id),
      trade_id varchar(128) not null,
      side varchar(8) not null,
      price numeric(38, 18) not null,
      quantity numeric(38, 18) not null,
      fee numeric(38, 18) not null,
      fee_currency varchar(16) not null,
      realized_profit numeric(38, 18) not null,
      executed_at timestamptz not null,
      created_at timestamptz not null,
      constraint fills_order_id_trade_id_unique unique (order_id, trade_id)
    )`);
    this.addSql('create index fills_bot_id_executed_at_index on fills (bot_id, executed_at desc)');
    this.addSql(`create table positions (
      bot_id uuid primary key references bots (id),
      market varchar(32) not null,
      quantity numeric(38, 18) not null check (quantity >= 0),
      cost_basis numeric(38, 18) not null,
      realized_profit numeric(38, 18) not null,
      fees_paid numeric(38, 18) not null,
      last_price numeric(38, 18) null,
      updated_at timestamptz not null
    )`);
    this.addSql(`create table market_clocks (
      clock_id varchar(128) primary key,
      anchor_virtual_time bigint not null,
      anchor_real_time bigint not null,
      speed double precision not null,
      heartbeat_virtual_time bigint not null,
      heartbeat_real_time bigint not null
    )`);
  }
}
