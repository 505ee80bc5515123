/**
 * The audit log service: operators' tools (REPL, CLI) record their actions through
 * `audit.record`; admins read the log through `GET /api/admin/audit`. The gateway writes
 * its entries for API calls straight to the repository.
 */
import { randomUUID } from 'node:crypto';
import type { Context, ServiceSchema } from 'moleculer';
import { ACTION, SERVICES } from '../../libs/contracts/actions.ts';
import type { AuditEntryRow, AuditRepository } from '../../libs/db/audit.repository.ts';
import { InvalidCursorError } from '../../libs/db/pagination.ts';
import type { Clock } from '../../libs/platform/clock.ts';
import { assertAdmin, type CallerMeta } from '../shared/caller.ts';
import { invalidField } from '../shared/errors.ts';

export interface AuditServiceDeps {
  readonly audit: AuditRepository;
  readonly clock: Clock;
}

export function auditEntryView(row: AuditEntryRow) {
  return {
    id: row.id, at: row.at.toISOString(), actorKind: row.actorKind, actorId: row.actorId, actorLabel: row.actorLabel,
    action: row.action, target: row.target, outcome: row.outcome, status: row.status, ip: row.ip, userAgent: row.userAgent, requestId: row.requestId,
  };
}

export function createAuditService(deps: AuditServiceDeps): ServiceSchema {
  return {
    name: SERVICES.audit,
    actions: {
      [ACTION.audit.list]: {
        params: {
          $$strict: true,
          actorId: { type: 'uuid', optional: true, description: 'Only the actions of this account.' },
          limit: { type: 'number', integer: true, min: 1, max: 500, optional: true, convert: true, description: 'Items per page (default 50, at most 500).' },
          cursor: { type: 'string', max: 200, optional: true, description: 'nextCursor of the previous page.' },
        },
        async handler(ctx: Context<{ actorId?: string; limit?: number; cursor?: string }, CallerMeta>) {
          assertAdmin(ctx);
          try {
            return await deps.audit.list({ actorId: ctx.params.actorId }, { limit: ctx.params.limit ?? 50, cursor: ctx.params.cursor }, auditEntryView);
          } catch (error) {
            if (error instanceof InvalidCursorError) throw invalidField('cursor', error.message);
            throw error;
          }
        },
      },
      [ACTION.audit.record]: {
        // Mesh-internal: operators' tools call it over the transporter; the gateway never routes to it.
        visibility: 'public',
        params: {
          $$strict: true,
          operator: { type: 'string', min: 1, max: 254 },
          action: { type: 'string', min: 1, max: 128 },
          target: { type: 'string', max: 254, optional: true },
          outcome: { type: 'enum', values: ['ok', 'denied', 'failed'] },
          host: { type: 'string', max: 64, optional: true },
        },
        async handler(ctx: Context<{ operator: string; action: string; target?: string; outcome: 'ok' | 'denied' | 'failed'; host?: string }>) {
          await deps.audit.append({
            id: randomUUID(), at: new Date(deps.clock.now()), actorKind: 'operator', actorId: null, actorLabel: ctx.params.operator,
            action: ctx.params.action, target: ctx.params.target ?? null, outcome: ctx.params.outcome, status: null,
            ip: ctx.params.host ?? null, userAgent: null, requestId: ctx.requestID ?? null,
          });
          return { recorded: true };
        },
      },
    },
  };
}
