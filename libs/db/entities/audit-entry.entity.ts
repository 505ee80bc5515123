/** One line of the audit log: who did what, when, from where, and how it ended. */
import { defineEntity, p } from '@mikro-orm/core';

export const AUDIT_ACTOR_KINDS = ['user', 'admin', 'operator', 'anonymous'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const AuditEntryEntity = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  indexes: [{ properties: ['at'] }, { properties: ['actorId', 'at'] }],
  properties: {
    id: p.uuid().primary(),
    at: p.datetime(),
    actorKind: p.string().length(16).$type<AuditActorKind>(),
    /** The account that acted (users and admins), null for anonymous callers and operators. */
    actorId: p.uuid().nullable(),
    /** A readable name of the actor: an email, or the operator's login for REPL and CLI. */
    actorLabel: p.string().length(254).nullable(),
    /** What was done, e.g. "POST /api/bots/:id/start", "repl bot pause", "admin grant". */
    action: p.string().length(128),
    /** The object acted on (a bot id, an email). */
    target: p.string().length(254).nullable(),
    outcome: p.string().length(16).$type<AuditOutcome>(),
    /** HTTP status, when the action came through the gateway. */
    status: p.integer().nullable(),
    ip: p.string().length(64).nullable(),
    userAgent: p.string().length(256).nullable(),
    requestId: p.string().length(64).nullable(),
  },
});
