import t from 'tap';
import { createSecretBox, generateSecretKey, parseSecretKeys } from '../../../libs/platform/secret-box.ts';
import { loadConfig, ConfigError } from '../../../libs/platform/config.ts';
import { temporaryDataDir } from '../../support/platform.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const SECRET = 'a very secret api secret';

t.test('sealed secrets open with the key and record they were sealed with, and with nothing else', async (t) => {
  const box = createSecretBox(parseSecretKeys(generateSecretKey(1)));
  const sealed = box.seal(SECRET, 'account-1');
  t.notOk(sealed.includes(SECRET), 'the ciphertext does not contain the secret');
  t.not(box.seal(SECRET, 'account-1'), sealed, 'a fresh nonce every time');
  t.equal(box.open(sealed, 'account-1'), SECRET);
  t.throws(() => box.open(sealed, 'account-2'), /does not open/, 'bound to its record: copied to another row it does not open');
  const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
  t.throws(() => box.open(tampered, 'account-1'), /does not open/, 'altered data is refused');
  const otherKey = createSecretBox(parseSecretKeys(generateSecretKey(1)));
  t.throws(() => otherKey.open(sealed, 'account-1'), /does not open/, 'another key does not open it');
});

t.test('rotation: with a new key version added, old values still open and new ones are sealed with the newest', async (t) => {
  const v1 = generateSecretKey(1);
  const old = createSecretBox(parseSecretKeys(v1)).seal(SECRET, 'a');
  const rotated = createSecretBox(parseSecretKeys(`${v1},${generateSecretKey(2)}`));
  t.equal(rotated.currentVersion, 2);
  t.equal(rotated.open(old, 'a'), SECRET);
  t.equal(rotated.versionOf(rotated.seal(SECRET, 'a')), 2);
  t.throws(() => createSecretBox(parseSecretKeys(generateSecretKey(2))).open(old, 'a'), /key version 1, which is not configured/);
});

t.test('bad keys stop the process with the variable named, never printing the key', async (t) => {
  const folder = temporaryDataDir();
  t.teardown(() => folder.remove());
  const short = 'c2hvcnQ=';
  let refusal: unknown;
  try {
    loadConfig({ DATA_DIR: folder.path, EXCHANGE_SECRETS_KEYS: `1:${short}` });
  } catch (error) {
    refusal = error;
  }
  t.ok(refusal instanceof ConfigError && refusal.variable === 'EXCHANGE_SECRETS_KEYS', 'names the variable');
  t.match((refusal as Error).message, /key version 1 is 5 bytes; AES-256 needs 32/);
  t.notOk((refusal as Error).message.includes(short), 'without the key');
  t.throws(() => loadConfig({ DATA_DIR: folder.path, EXCHANGE_SECRETS_KEYS: 'nonsense' }), ConfigError);
  t.throws(() => loadConfig({ DATA_DIR: folder.path, EXCHANGE_SECRETS_KEYS_FILE: path.join(folder.path, 'missing') }), /EXCHANGE_SECRETS_KEYS_FILE: cannot read/);
  const embedded = loadConfig({ DATA_DIR: folder.path });
  t.equal(embedded.exchangeSecretKeys?.length, 1, 'embedded: one key generated into the data folder');
  t.match(readFileSync(path.join(folder.path, 'exchange-secrets-keys'), 'utf8'), /^1:/);
  t.same(loadConfig({ DATA_DIR: folder.path }).exchangeSecretKeys, embedded.exchangeSecretKeys, 'and the same key on the next start');
  t.equal(loadConfig({ DATA_DIR: folder.path, DATABASE_URL: 'postgres://x@127.0.0.1/db', JWT_SECRET: 'f'.repeat(10) + 'a8c3e9b1d7f2461e8a9b3c5d7e1f2a4b6c' }).exchangeSecretKeys, undefined, 'external database without keys: accounts disabled');
  t.same(loadConfig({ DATA_DIR: folder.path, EXCHANGE_URLS: 'binance=http://127.0.0.1:9000/' }).exchangeUrls, { binance: 'http://127.0.0.1:9000' });
  t.throws(() => loadConfig({ DATA_DIR: folder.path, EXCHANGE_URLS: 'binance:http://x' }), /EXCHANGE_URLS/);
});
