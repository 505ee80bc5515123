/**
 * The platform's pino logger: one JSON line per event, secrets redacted by key wherever
 * they appear, pretty output for a person at a terminal.
 */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

/** Keys whose values never reach a log line, at any depth we log at. */
const REDACTED_KEYS = ['password', 'newPassword', 'currentPassword', 'token', 'refreshToken', 'accessToken', 'authorization', 'secret', 'apiKey', 'jwtSecret', 'passwordHash', 'access_token', 'refresh_token', 'apiSecret', 'cookie'];

const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `req.headers.${key}`]);

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly pretty: boolean;
  /** Fields on every line, e.g. the service or process name. */
  readonly base?: Record<string, unknown>;
  /** Where JSON lines go; standard output unless given (tests capture them). */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level,
    base: { pid: process.pid, ...options.base },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.pretty && !options.destination) {
    return pino({ ...settings, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,node', singleLine: true } } });
  }
  return options.destination ? pino(settings, options.destination as pino.DestinationStream) : pino(settings);
}

export type { Logger };
