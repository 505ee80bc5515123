import t from 'tap';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig, secretEntropyBits } from '../../../libs/platform/config.ts';

function errorOf(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return undefined;
}

t.test('unset variables give the embedded defaults', async (t) => {
  const dir = t.testdir();
  const config = loadConfig({ DATA_DIR: dir });
  t.match(config, { port: 3000, dataDir: dir, databaseUrl: undefined, natsUrl: undefined, redisUrl: undefined, logLevel: 'info', busPartitions: 64 });
});

t.test('a bad variable is refused with an error naming it', async (t) => {
  const dir = t.testdir();
  const cases: [Record<string, string>, string][] = [
    [{ PORT: 'eighty' }, 'PORT'], [{ PORT: '70000' }, 'PORT'], [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'], [{ NATS_URL: 'http://x' }, 'NATS_URL'], [{ REDIS_URL: 'nats://x' }, 'REDIS_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'], [{ JWT_SECRET: 'short' }, 'JWT_SECRET'], [{ SIMULATION_SPEED: '-1' }, 'SIMULATION_SPEED'],
    [{ SIMULATION_START: 'yesterday' }, 'SIMULATION_START'], [{ BUS_PREFIX: 'has space' }, 'BUS_PREFIX'],
  ];
  for (const [env, variable] of cases) {
    const error = errorOf(() => loadConfig({ DATA_DIR: dir, ...env }));
    t.ok(error instanceof ConfigError, `${variable}: a ConfigError`);
    t.equal((error as ConfigError).variable, variable);
    t.match((error as ConfigError).message, new RegExp(`^${variable}: `));
  }
});

t.test('without JWT_SECRET, embedded mode generates a secret once and keeps it in the data folder', async (t) => {
  const dir = t.testdir();
  const first = loadConfig({ DATA_DIR: dir }).jwtSecret;
  const second = loadConfig({ DATA_DIR: dir }).jwtSecret;
  t.equal(first, second, 'the same secret after a restart');
  t.ok(first.length >= 32);
  t.equal(readFileSync(path.join(dir, 'jwt-secret'), 'utf8').trim(), first);
  t.equal(statSync(path.join(dir, 'jwt-secret')).mode & 0o777, 0o600, 'readable by the owner only');
  t.not(loadConfig({ DATA_DIR: t.testdir() }).jwtSecret, first, 'another installation gets another secret');
});

t.test('with an external database a JWT secret must be given', async (t) => {
  t.equal((errorOf(() => loadConfig({ DATA_DIR: t.testdir(), DATABASE_URL: 'postgres://localhost/x' })) as ConfigError).variable, 'JWT_SECRET');
  const secret = randomBytes(32).toString('hex');
  t.equal(loadConfig({ DATA_DIR: t.testdir(), DATABASE_URL: 'postgres://localhost/x', JWT_SECRET: secret }).jwtSecret, secret);
});

t.test('a weak or default JWT secret stops the platform with a message naming JWT_SECRET', async (t) => {
  const weak = ['k'.repeat(40), 'changeme-changeme-changeme-changeme', 'my-super-secret-jwt-key-for-production', 'abababababababababababababababababab', '1234567890123456789012345678901234567890'];
  for (const secret of weak) {
    const error = errorOf(() => loadConfig({ DATA_DIR: t.testdir(), DATABASE_URL: 'postgres://localhost/x', JWT_SECRET: secret }));
    t.equal((error as ConfigError).variable, 'JWT_SECRET', `refuses ${secret}`);
    t.match((error as ConfigError).message, /^JWT_SECRET: .*openssl rand -hex 32/);
  }
  for (let attempt = 0; attempt < 50; attempt += 1) {
    t.ok(secretEntropyBits(randomBytes(16).toString('hex')) >= 96, 'any 32 random hex digits pass');
  }
});

t.test('proxy trust, rate limits and operator ports have safe defaults and named errors', async (t) => {
  const dir = t.testdir();
  t.match(loadConfig({ DATA_DIR: dir }), { trustProxy: 0, rateLimitPerUser: 1_200, rateLimitPerAddress: 2_400, healthPort: undefined, metricsPort: undefined });
  t.match(loadConfig({ DATA_DIR: dir, TRUST_PROXY: '1', HEALTH_PORT: '9101', METRICS_PORT: '9100' }), { trustProxy: 1, healthPort: 9101, metricsPort: 9100 });
  for (const variable of ['TRUST_PROXY', 'RATE_LIMIT_PER_USER', 'RATE_LIMIT_PER_ADDRESS', 'HEALTH_PORT', 'METRICS_PORT']) {
    t.equal((errorOf(() => loadConfig({ DATA_DIR: dir, [variable]: 'lots' })) as ConfigError).variable, variable);
  }
});

t.test('backtest workers and ccxt exchanges: defaults keep the platform offline, bad values are named', async (t) => {
  const dir = t.testdir();
  t.match(loadConfig({ DATA_DIR: dir }), { backtestWorkers: 1, ccxtExchanges: [] });
  t.match(loadConfig({ DATA_DIR: dir, BACKTEST_WORKERS: '0', CCXT_EXCHANGES: 'binance, kraken,binance' }), { backtestWorkers: 0, ccxtExchanges: ['binance', 'kraken'] });
  t.equal((errorOf(() => loadConfig({ DATA_DIR: dir, BACKTEST_WORKERS: 'many' })) as ConfigError).variable, 'BACKTEST_WORKERS');
  t.equal((errorOf(() => loadConfig({ DATA_DIR: dir, CCXT_EXCHANGES: 'Binance US' })) as ConfigError).variable, 'CCXT_EXCHANGES');
});
