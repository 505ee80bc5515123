/**
 * The operator's account commands behind `npm run admin`: grant or revoke the admin role
 * by email. Kept apart from the entry point so a test can run it against a real database.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { AuditRepository } from '../libs/db/audit.repository.ts';
import type { UserRepository } from '../libs/db/user.repository.ts';

export const ADMIN_USAGE = 'usage: npm run admin -- grant <email>   (make the account an admin)\n       npm run admin -- revoke <email>  (make it a plain user again)\n';

export interface AdminCommandResult {
  /** Process exit status: 0 done, 1 no such account, 2 bad usage. */
  readonly status: 0 | 1 | 2;
  readonly output: string;
}

export interface AdminCommandDeps {
  readonly users: UserRepository;
  readonly audit: AuditRepository;
  /** Who runs the command, for the audit log (the operating-system user unless given). */
  readonly operator?: string;
}

/** Runs one command line (the arguments after `--`); every grant or revoke goes to the audit log. */
export async function runAdminCommand(args: readonly string[], deps: AdminCommandDeps): Promise<AdminCommandResult> {
  const [command, email, ...extra] = args;
  if ((command !== 'grant' && command !== 'revoke') || email === undefined || extra.length > 0) return { status: 2, output: ADMIN_USAGE };
  const role = command === 'grant' ? 'admin' : 'user';
  const user = await deps.users.setRole(email, role);
  await deps.audit.append({
    id: randomUUID(), at: new Date(), actorKind: 'operator', actorId: null, actorLabel: deps.operator ?? `${os.userInfo().username}@${os.hostname()}`,
    action: `admin ${command}`, target: email.toLowerCase().slice(0, 254), outcome: user ? 'ok' : 'failed', status: null,
    ip: null, userAgent: 'npm run admin', requestId: null,
  });
  if (!user) return { status: 1, output: `no account with email ${email}\n` };
  // Tokens already issued keep their role until they expire; the next refresh or login carries the new one.
  return { status: 0, output: `${user.email} is now ${role === 'admin' ? 'an admin' : 'a user'} (from the next sign-in or token refresh)\n` };
}
