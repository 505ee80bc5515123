/**
 * The platform's configuration: one typed object read from the environment and checked
 * once at start. Unset variables mean the embedded default (DESIGN.md §3). A bad value
 * stops the process with a message naming the variable.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSecretKey, parseSecretKeys, type SecretKey } from './secret-box.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  /** HTTP port of the gateway. */
  readonly port: number;
  /** Folder for embedded data: the PGlite database and the generated JWT secret. */
  readonly dataDir: string;
  /** Postgres URL; undefined means embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Connections in this process's Postgres pool. */
  readonly databasePoolSize: number;
  /** NATS URL; undefined means the in-process transporter and bus. */
  readonly natsUrl: string | undefined;
  /** Redis URL; undefined means in-memory caches. */
  readonly redisUrl: string | undefined;
  readonly logLevel: LogLevel;
  /** Pretty, human-readable logs instead of JSON lines (defaults to on in a terminal). */
  readonly logPretty: boolean;
  readonly jwtSecret: string;
  /** Speed of the simulated market's clock: 60 closes a 1-minute candle every second. */
  readonly simulationSpeed: number;
  /** Seed of the simulated market, so a demo is reproducible. */
  readonly simulationSeed: number;
  /** Virtual time at which the simulated market's clock first starts (Unix ms). */
  readonly simulationStart: number;
  /** Folder of candle files to serve as the "replay" market; undefined disables it. */
  readonly replayDir: string | undefined;
  /** Speed of the replay market's clock. */
  readonly replaySpeed: number;
  /** Partitions per bus stream (fixed for a stream's life). */
  readonly busPartitions: number;
  /** Prefix of stream and subject names, so several platforms (or tests) share one NATS. */
  readonly busPrefix: string;
  /** Lease of a bus message on JetStream: a replica that dies holding one gives it up after this long. */
  readonly busAckWaitMs: number;
  /** Prefix of Redis keys, for the same reason. */
  readonly redisPrefix: string;
  /** Name of this platform instance in logs and node ids. */
  readonly namespace: string;
  /** Worker threads running users' backtests in this process (0: it runs none, another replica does). */
  readonly backtestWorkers: number;
  /** ccxt exchange ids whose public candles are market sources ("ccxt:<id>"); empty: none (offline). */
  readonly ccxtExchanges: readonly string[];
  /** Proxies in front of the gateway whose X-Forwarded-For entries are believed (0: none, use the socket address). */
  readonly trustProxy: number;
  /** Requests a signed-in user may make per minute (all routes together). */
  readonly rateLimitPerUser: number;
  /** Requests one client address may make per minute. */
  readonly rateLimitPerAddress: number;
  /** Port of this process's small /health and /ready server; undefined: none. */
  readonly healthPort: number | undefined;
  /** Port of this process's Prometheus /metrics; undefined: metrics are collected but not served. */
  readonly metricsPort: number | undefined;
  /** Keys that seal exchange API secrets (newest seals); undefined: exchange accounts are disabled. */
  readonly exchangeSecretKeys: readonly SecretKey[] | undefined;
  /** Base URLs replacing an exchange's API URLs, per ccxt exchange id (a stub in tests, a proxy in operations). */
  readonly exchangeUrls: Readonly<Record<string, string>>;
  /** How often live orders and bots are reconciled with their exchanges. */
  readonly reconcileIntervalMs: number;
}

/** A configuration problem, naming the variable. */
export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, minimum: number, maximum: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < minimum || value > maximum) {
    throw new ConfigError(name, `must be an integer from ${minimum} to ${maximum}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function optionalPort(env: Env, name: string): number | undefined {
  return text(env, name) === undefined ? undefined : integer(env, name, 0, 0, 65535);
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(name, `must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL such as ${protocols[0]}//host:port, got ${JSON.stringify(raw)}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got ${JSON.stringify(raw)}`);
}

function isoTime(env: Env, name: string, fallback: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const time = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(time)) throw new ConfigError(name, `must be an ISO 8601 time such as 2026-01-01T00:00:00Z, got ${JSON.stringify(raw)}`);
  return time;
}

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,40}$/;

function name(env: Env, variable: string, fallback: string): string {
  const raw = text(env, variable) ?? fallback;
  if (!NAME_PATTERN.test(raw)) throw new ConfigError(variable, `must be 1-40 letters, digits, '_' or '-', got ${JSON.stringify(raw)}`);
  return raw;
}

/** A comma-separated list of ccxt exchange ids (lowercase letters and digits), e.g. "binance,kraken". */
function exchangeIds(env: Env, variable: string): readonly string[] {
  const raw = text(env, variable);
  if (raw === undefined) return [];
  const ids = raw.split(',').map((id) => id.trim()).filter((id) => id !== '');
  for (const id of ids) {
    if (!/^[a-z][a-z0-9]{1,31}$/.test(id)) throw new ConfigError(variable, `must be ccxt exchange ids separated by commas, such as binance,kraken; got ${JSON.stringify(id)}`);
  }
  return [...new Set(ids)];
}

/** Shortest secret accepted: 32 bytes of entropy written as hex or base64 is at least this long. */
const MINIMUM_SECRET_LENGTH = 32;

/**
 * Least estimated entropy of a given secret, in bits. The estimate below rates 32 random
 * hex digits (128 real bits) at about 120, so the bar sits under that with room.
 */
const MINIMUM_SECRET_BITS = 96;

/** Words of the placeholders people copy from examples; none belongs in a real secret. */
const PLACEHOLDER = /change.?me|secret|example|default|password|placeholder|your.?key|jwt/i;

/**
 * Estimated entropy of `secret`: its length times the Shannon entropy of its characters.
 * It over-estimates a random-looking but human-made string, and catches the usual weak
 * ones: repeated characters, short alphabets, words.
 */
export function secretEntropyBits(secret: string): number {
  const counts = new Map<string, number>();
  for (const character of secret) counts.set(character, (counts.get(character) ?? 0) + 1);
  const length = [...secret].length;
  let perCharacter = 0;
  for (const count of counts.values()) perCharacter -= (count / length) * Math.log2(count / length);
  return perCharacter * length;
}

/** True when `text` is a shorter piece repeated, like "12345678901234567890". */
function isRepetition(text: string): boolean {
  for (let period = 1; period <= text.length / 2; period += 1) {
    if (text.slice(period) === text.slice(0, -period)) return true;
  }
  return false;
}

function checkSecretStrength(secret: string): void {
  if (secret.length < MINIMUM_SECRET_LENGTH) throw new ConfigError('JWT_SECRET', `must be at least ${MINIMUM_SECRET_LENGTH} characters of random text, e.g. the output of \`openssl rand -hex 32\``);
  if (PLACEHOLDER.test(secret)) throw new ConfigError('JWT_SECRET', 'looks like a placeholder or a default; use random text, e.g. the output of `openssl rand -hex 32`');
  if (secretEntropyBits(secret) < MINIMUM_SECRET_BITS || isRepetition(secret)) throw new ConfigError('JWT_SECRET', `is too predictable (about ${Math.floor(secretEntropyBits(secret))} bits, at least ${MINIMUM_SECRET_BITS} needed); use random text, e.g. the output of \`openssl rand -hex 32\``);
}

/**
 * The JWT signing secret. Given: used if long and random enough (in every mode). Absent in embedded mode: generated
 * once and kept in the data folder (never a fixed string). Absent when Postgres is
 * external: refused, because replicas of the gateway must share one secret.
 */
function jwtSecret(env: Env, dataDir: string, embedded: boolean): string {
  const given = text(env, 'JWT_SECRET');
  if (given !== undefined) {
    checkSecretStrength(given);
    return given;
  }
  if (!embedded) throw new ConfigError('JWT_SECRET', 'must be set when DATABASE_URL is set, so every gateway replica signs with the same secret');
  const file = path.join(dataDir, 'jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(48).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/**
 * Keys sealing exchange secrets: EXCHANGE_SECRETS_KEYS ("1:<base64>,2:<base64>"), or the
 * file EXCHANGE_SECRETS_KEYS_FILE names (one per line). Neither in embedded mode: one key
 * generated once into the data folder (like the JWT secret). Neither with an external
 * database: undefined, and creating exchange accounts answers that they are disabled.
 */
function exchangeSecretKeys(env: Env, dataDir: string, embedded: boolean): readonly SecretKey[] | undefined {
  const parse = (variable: string, raw: string) => {
    try {
      return parseSecretKeys(raw);
    } catch (error) {
      throw new ConfigError(variable, (error as Error).message);
    }
  };
  const given = text(env, 'EXCHANGE_SECRETS_KEYS');
  if (given !== undefined) return parse('EXCHANGE_SECRETS_KEYS', given);
  const file = text(env, 'EXCHANGE_SECRETS_KEYS_FILE');
  if (file !== undefined) {
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError('EXCHANGE_SECRETS_KEYS_FILE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    return parse('EXCHANGE_SECRETS_KEYS_FILE', raw);
  }
  if (!embedded) return undefined;
  const generated = path.join(dataDir, 'exchange-secrets-keys');
  try {
    return parse('EXCHANGE_SECRETS_KEYS_FILE', readFileSync(generated, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(generated, `${generateSecretKey(1)}\n`, { mode: 0o600, flag: 'wx' });
  return parse('EXCHANGE_SECRETS_KEYS_FILE', readFileSync(generated, 'utf8'));
}

/** "binance=http://127.0.0.1:9000,kraken=https://proxy" into a map of exchange id to base URL. */
function exchangeUrls(env: Env, variable: string): Readonly<Record<string, string>> {
  const raw = text(env, variable);
  if (raw === undefined) return {};
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const match = /^([a-z][a-z0-9]{1,31})=(https?:\/\/\S+)$/.exec(entry);
    if (!match) throw new ConfigError(variable, `must be <exchange>=<url> pairs separated by commas, such as binance=http://127.0.0.1:9000; got ${JSON.stringify(entry)}`);
    return [match[1]!, match[2]!.replace(/\/$/, '')] as const;
  });
  return Object.fromEntries(entries);
}

/** Reads and checks the configuration; throws ConfigError on the first bad variable. */
export function loadConfig(env: Env = process.env, options: { isTerminal?: boolean } = {}): Config {
  const dataDir = path.resolve(text(env, 'DATA_DIR') ?? 'data');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const logLevel = text(env, 'LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  }
  const replayDir = text(env, 'REPLAY_DIR');
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    dataDir,
    databaseUrl,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    natsUrl: url(env, 'NATS_URL', ['nats:', 'tls:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    logLevel: logLevel as LogLevel,
    logPretty: boolean(env, 'LOG_PRETTY', options.isTerminal ?? false),
    jwtSecret: jwtSecret(env, dataDir, databaseUrl === undefined),
    simulationSpeed: positiveNumber(env, 'SIMULATION_SPEED', 60),
    simulationSeed: integer(env, 'SIMULATION_SEED', 42, 0, 2 ** 31 - 1),
    simulationStart: isoTime(env, 'SIMULATION_START', Date.UTC(2026, 0, 1)),
    replayDir: replayDir === undefined ? undefined : path.resolve(replayDir),
    replaySpeed: positiveNumber(env, 'REPLAY_SPEED', 60),
    busPartitions: integer(env, 'BUS_PARTITIONS', 64, 1, 4096),
    busPrefix: name(env, 'BUS_PREFIX', 'tradebot'),
    busAckWaitMs: integer(env, 'BUS_ACK_WAIT_MS', 10_000, 1_000, 600_000),
    redisPrefix: name(env, 'REDIS_PREFIX', 'tradebot'),
    namespace: name(env, 'NAMESPACE', 'tradebot'),
    backtestWorkers: integer(env, 'BACKTEST_WORKERS', 1, 0, 64),
    ccxtExchanges: exchangeIds(env, 'CCXT_EXCHANGES'),
    trustProxy: integer(env, 'TRUST_PROXY', 0, 0, 10),
    rateLimitPerUser: integer(env, 'RATE_LIMIT_PER_USER', 1_200, 1, 1_000_000),
    rateLimitPerAddress: integer(env, 'RATE_LIMIT_PER_ADDRESS', 2_400, 1, 1_000_000),
    healthPort: optionalPort(env, 'HEALTH_PORT'),
    metricsPort: optionalPort(env, 'METRICS_PORT'),
    exchangeSecretKeys: exchangeSecretKeys(env, dataDir, databaseUrl === undefined),
    exchangeUrls: exchangeUrls(env, 'EXCHANGE_URLS'),
    reconcileIntervalMs: integer(env, 'RECONCILE_INTERVAL_MS', 15_000, 100, 3_600_000),
  };
}

/** Loads the configuration or exits with the problem printed, for process entry points. */
export function loadConfigOrExit(env: Env = process.env): Config {
  try {
    return loadConfig(env, { isTerminal: process.stdout.isTTY === true });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
