import { spawnSync } from 'node:child_process';
import t from 'tap';
import { runAdminCommand } from '../../bin/admin-command.ts';
import { AuditRepository } from '../../libs/db/audit.repository.ts';
import { UserRepository } from '../../libs/db/user.repository.ts';
import { startTestPlatform, temporaryDataDir } from '../support/platform.ts';

const platform = await startTestPlatform({ services: ['gateway', 'bots'] });
t.teardown(() => platform.stop());
const deps = { users: new UserRepository(platform.mesh.database), audit: new AuditRepository(platform.mesh.database), operator: 'test-operator' };
const users = deps.users;

t.test('admin routes answer 403 to a user and serve the same account once granted the admin role', async (t) => {
  const carol = await platform.api.signUp('carol@example.com');
  const denied = await carol.get('/admin/users');
  t.equal(denied.status, 403);
  t.equal(denied.body.error.code, 'FORBIDDEN');
  t.equal((await platform.api.as(undefined).get('/admin/users')).status, 401, 'anonymous callers get 401');

  const granted = await runAdminCommand(['grant', 'Carol@Example.com'], deps);
  t.equal(granted.status, 0);
  t.match(granted.output, /carol@example.com is now an admin/);
  t.equal((await users.findByEmail('carol@example.com'))?.role, 'admin');

  const login = await platform.api.post('/auth/login', { email: 'carol@example.com', password: 'correct horse battery staple' });
  t.equal(login.body.user.role, 'admin', 'the next login carries the role');
  const admin = platform.api.as(login.body.token);
  t.equal((await admin.get('/auth/me')).body.role, 'admin');
  const listed = await admin.get('/admin/users?limit=10');
  t.equal(listed.status, 200);
  t.ok(listed.body.items.some((user: { email: string }) => user.email === 'carol@example.com'));
  t.notOk(JSON.stringify(listed.body).includes('argon2'), 'password hashes never leave the server');
  const audit = await admin.get('/admin/audit?limit=500');
  t.ok(audit.body.items.some((entry: { actorKind: string; actorLabel: string; action: string; target: string }) =>
    entry.actorKind === 'operator' && entry.actorLabel === 'test-operator' && entry.action === 'admin grant' && entry.target === 'carol@example.com'), 'the grant is in the audit log');

  const revoked = await runAdminCommand(['revoke', 'carol@example.com'], deps);
  t.equal(revoked.status, 0);
  const relogin = await platform.api.post('/auth/login', { email: 'carol@example.com', password: 'correct horse battery staple' });
  t.equal((await platform.api.as(relogin.body.token).get('/admin/users')).status, 403, 'a revoked admin is a user again from the next login');
});

t.test('the admin command refuses bad usage and unknown accounts', async (t) => {
  t.equal((await runAdminCommand([], deps)).status, 2);
  t.equal((await runAdminCommand(['promote', 'a@b.c'], deps)).status, 2);
  t.equal((await runAdminCommand(['grant', 'a@b.c', 'extra'], deps)).status, 2);
  const missing = await runAdminCommand(['grant', 'nobody@example.com'], deps);
  t.equal(missing.status, 1);
  t.match(missing.output, /no account with email nobody@example.com/);
});

t.test('npm run admin runs the command on the configured database', async (t) => {
  const folder = temporaryDataDir();
  t.teardown(() => folder.remove());
  const env = { ...process.env, DATA_DIR: folder.path };
  const unmigrated = spawnSync('npm', ['run', '--silent', 'admin', '--', 'grant', 'nobody@example.com'], { env, encoding: 'utf8' });
  t.equal(unmigrated.status, 1);
  t.match(unmigrated.stderr, /run `npm run db:migrate`/, 'an empty database is named, not a stack trace');
  t.equal(spawnSync('npm', ['run', '--silent', 'db:migrate'], { env, encoding: 'utf8' }).status, 0);
  const run = spawnSync('npm', ['run', '--silent', 'admin', '--', 'grant', 'nobody@example.com'], { env, encoding: 'utf8' });
  t.equal(run.status, 1, run.stderr);
  t.match(run.stderr, /no account with email nobody@example.com/);
  const usage = spawnSync('npm', ['run', '--silent', 'admin'], { env: { ...process.env, DATA_DIR: folder.path }, encoding: 'utf8' });
  t.equal(usage.status, 2);
  t.match(usage.stdout, /usage: npm run admin -- grant <email>/);
});
