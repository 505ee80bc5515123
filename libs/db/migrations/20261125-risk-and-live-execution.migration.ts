/**
 * Risk and live execution: exchange accounts (sealed keys), a bot's account and stop
 * policy, the trailing stop's peak, submission attempts of orders, users' limits across
 * bots, the kill switch's history, and bots' last reconciliation with their exchange.
 */
import { Migration } from '@mikro-orm/migrations';

export class RiskAndLiveExecutionMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table exchange_accounts (
      id uuid primary key,
      user_id uuid not null references users (id),
      exchange varchar(64) not null,
      label varchar(100) not null,
      masked_api_key varchar(32) not null,
      sandbox boolean not null,
      key_version int not null,
      credentials text not null,
      created_at timestamptz not null,
      deleted_at timestamptz null
    )`);
    this.addSql('create index exchange_accounts_user_id_index on exchange_accounts (user_id)');
    this.addSql('alter table bots add column exchange_account_id uuid null references exchange_accounts (id)');
    this.addSql(`alter table bots add column stop_policy varchar(16) not null default 'cancel-orders'`);
    this.addSql('alter table positions add column peak_price numeric(38, 18) null');
    this.addSql('alter table orders add column submit_attempts int not null default 0');
    this.addSql(`create table user_risk_limits (
      user_id uuid primary key references users (id),
      daily_loss_limit numeric(38, 18) null check (daily_loss_limit > 0),
      max_exposure_per_market numeric(38, 18) null check (max_exposure_per_market > 0),
      updated_at timestamptz not null
    )`);
    this.addSql(`create table kill_switch_changes (
      id bigserial primary key,
      mode varchar(16) not null check (mode in ('off', 'entries', 'all')),
      reason text not null,
      changed_by uuid null,
      changed_by_name varchar(254) not null,
      changed_at timestamptz not null
    )`);
    this.addSql(`create table bot_reconciliations (
      bot_id uuid primary key references bots (id),
      ok boolean not null,
      reason text null,
      checked_at timestamptz not null
    )`);
  }
}
