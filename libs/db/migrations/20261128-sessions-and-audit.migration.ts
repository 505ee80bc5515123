/** Refresh-token families (sign-in sessions) and the audit log of user and operator actions. */
import { Migration } from '@mikro-orm/migrations';

export class SessionsAndAuditMigration extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table refresh_tokens (
      id uuid primary key,
      user_id uuid not null references users (id),
      family_id uuid not null,
      token_hash varchar(64) not null constraint refresh_tokens_token_hash_unique unique,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      rotated_at timestamptz null,
      revoked_at timestamptz null,
      revoked_reason varchar(32) null,
      ip varchar(64) null,
      user_agent varchar(256) null
    )`);
    this.addSql('create index refresh_tokens_family_id_index on refresh_tokens (family_id)');
    this.addSql('create index refresh_tokens_user_id_index on refresh_tokens (user_id)');
    this.addSql(`create table audit_log (
      id uuid primary key,
      at timestamptz not null,
      actor_kind varchar(16) not null check (actor_kind in ('user', 'admin', 'operator', 'anonymous')),
      actor_id uuid null,
      actor_label varchar(254) null,
      action varchar(128) not null,
      target varchar(254) null,
      outcome varchar(16) not null check (outcome in ('ok', 'denied', 'failed')),
      status int null,
      ip varchar(64) null,
      user_agent varchar(256) null,
      request_id varchar(64) null
    )`);
    this.addSql('create index audit_log_at_index on audit_log (at)');
    this.addSql('create index audit_log_actor_id_at_index on audit_log (actor_id, at)');
  }
}
