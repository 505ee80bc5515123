/**
 * Starts the platform in-process for a test, on a fresh data folder (embedded PGlite) or a
 * fresh Postgres database, with the replay market over ../shared/data/ohlcv, and offers a
 * small JSON HTTP client for driving its REST API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../libs/platform/config.ts';
import { createLogger } from '../../libs/platform/logger.ts';
import { SERVICE_NAMES, startMesh, type Mesh, type MeshServiceName } from '../../services/mesh.ts';

export const SHARED_DATA = path.resolve(import.meta.dirname, '../../../shared/data/ohlcv');

/** Captures log lines so tests can search them (and keeps test output readable). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

export interface TestPlatform {
  readonly mesh: Mesh;
  readonly config: Config;
  readonly logs: LogCapture;
  readonly baseUrl: string;
  readonly api: ApiClient;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  readonly dataDir?: string;
  readonly env?: Record<string, string>;
  readonly services?: readonly MeshServiceName[];
  /** Node id in the mesh: two platforms of one test process on NATS need different ones. */
  readonly nodeID?: string;
  readonly tuning?: { schedulerStepMs?: number; schedulerBackfill?: number; sweepIntervalMs?: number; sweepAfterMs?: number; reconcileIntervalMs?: number; loginFailuresPerAddress?: number };
}

export function temporaryDataDir(): { path: string; remove(): void } {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'tradebot-test-'));
  return { path: folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

export async function startTestPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  // Tests make many requests from one address quickly: rate limits are high unless a test sets them.
  const config = loadConfig({
    PORT: '0', DATA_DIR: options.dataDir ?? temporaryDataDir().path, LOG_LEVEL: 'info', REPLAY_DIR: SHARED_DATA,
    RATE_LIMIT_PER_USER: '1000000', RATE_LIMIT_PER_ADDRESS: '1000000', ...options.env,
  });
  const logs = new LogCapture();
  const logger = createLogger({ level: config.logLevel, pretty: false, destination: logs });
  const mesh = await startMesh({ config, services: options.services ?? SERVICE_NAMES, logger, ...(options.nodeID ? { nodeID: options.nodeID } : {}), tuning: { schedulerStepMs: 20, ...options.tuning } });
  const baseUrl = `http://127.0.0.1:${mesh.port()}`;
  return { mesh, config, logs, baseUrl, api: new ApiClient(baseUrl), stop: () => mesh.stop() };
}

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** A JSON client for the REST API that remembers a bearer token. */
export class ApiClient {
  readonly #baseUrl: string;
  token: string | undefined;
  constructor(baseUrl: string, token?: string) {
    this.#baseUrl = baseUrl;
    this.token = token;
  }

  as(token: string | undefined): ApiClient {
    return new ApiClient(this.#baseUrl, token);
  }

  async request<T = any>(method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.#baseUrl}/api${route}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(route: string) {
    return this.request<T>('GET', route);
  }
  post<T = any>(route: string, body?: unknown) {
    return this.request<T>('POST', route, body ?? {});
  }
  patch<T = any>(route: string, body: unknown) {
    return this.request<T>('PATCH', route, body);
  }
  delete<T = any>(route: string) {
    return this.request<T>('DELETE', route);
  }

  /** Registers and logs in a new user; returns a client carrying its token. */
  async signUp(email: string, password = 'correct horse battery staple'): Promise<ApiClient> {
    const registered = await this.post('/auth/register', { email, password });
    if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.body)}`);
    const login = await this.post<{ token: string }>('/auth/login', { email, password });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
    return this.as(login.body.token);
  }
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
