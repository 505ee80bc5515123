import t from 'tap';
import { Writable } from 'node:stream';
import { hashPassword, verifyPassword } from '../../../libs/platform/password.ts';
import { createTokenSigner } from '../../../libs/platform/tokens.ts';
import { createLogger } from '../../../libs/platform/logger.ts';

t.test('passwords are hashed with argon2id, salted, and verify only with the right password', async (t) => {
  const hash = await hashPassword('hunter2 hunter2');
  t.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  t.not(hash, await hashPassword('hunter2 hunter2'), 'a fresh salt each time');
  t.ok(await verifyPassword('hunter2 hunter2', hash));
  t.notOk(await verifyPassword('hunter3 hunter3', hash));
  t.notOk(await verifyPassword('hunter2 hunter2', 'not a hash'));
});

t.test('tokens verify with their secret before expiry, and not with another secret, after expiry or altered', async (t) => {
  const signer = createTokenSigner('s'.repeat(40), 60);
  const { token, expiresAt } = await signer.sign({ userId: 'u1', role: 'user' }, 1_000_000);
  t.equal(expiresAt, 1_000_000 + 60_000);
  t.same(await signer.verify(token, 1_000_000 + 30_000), { userId: 'u1', role: 'user' });
  t.equal(await signer.verify(token, 1_000_000 + 61_000), undefined, 'expired');
  t.equal(await createTokenSigner('x'.repeat(40), 60).verify(token, 1_000_000), undefined, 'other secret');
  const [header, payload, signature] = token.split('.');
  const elevated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' })).toString('base64url');
  t.equal(await signer.verify(`${header}.${elevated}.${signature}`, 1_000_000), undefined, 'altered claims');
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
  t.equal(await signer.verify(none, 1_000_000), undefined, 'the "none" algorithm is refused');
});

t.test('the logger redacts secrets by key at any depth', async (t) => {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk, _encoding, done) { lines.push(chunk.toString()); done(); } });
  const logger = createLogger({ level: 'info', pretty: false, destination });
  logger.info({ password: 'p4ss', user: { token: 't0ken' }, params: { nested: { secret: 's3cret' } }, req: { headers: { authorization: 'Bearer abc' } } }, 'login');
  const text = lines.join('');
  for (const secret of ['p4ss', 't0ken', 's3cret', 'Bearer abc']) t.notMatch(text, secret);
  t.match(text, /\[redacted\]/);
});
