/**
 * The browser's side of the REST API: the session (kept in localStorage so it survives a
 * reload), bearer tokens on every call, one error type carrying the API's
 * `{error: {code, message, field}}`, and what happens on a 401: a refresh when the
 * platform gave a refresh token, else back to the login page.
 */

export interface SessionUser {
  readonly id: string;
  readonly email: string;
  readonly role?: string;
}

export interface Session {
  readonly token: string;
  readonly expiresAt: string;
  readonly refreshToken?: string;
  readonly user: SessionUser;
}

/** An error answer of the API (or the network failing, status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

const SESSION_KEY = 'tradebot.session';
const listeners = new Set<(session: Session | null) => void>();
let current: Session | null = readStoredSession();

function readStoredSession(): Session | null {
  try {
    const stored = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
    return stored && typeof stored.token === 'string' && stored.user ? stored : null;
  } catch {
    return null;
  }
}

export function session(): Session | null {
  return current;
}

function notify(): void {
  for (const listener of listeners) listener(current);
}

function setSession(next: Session | null): void {
  current = next;
  if (next) localStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else localStorage.removeItem(SESSION_KEY);
  notify();
}

// Tabs share one session: a login, refresh or logout in one is seen by the others.
window.addEventListener('storage', (event) => {
  if (event.key !== SESSION_KEY && event.key !== null) return;
  current = readStoredSession();
  notify();
});

/** Calls `listener` whenever the session starts, is refreshed or ends. */
export function onSessionChange(listener: (session: Session | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Why the last session ended, for the login page to say ("expired"). */
export let sessionEndReason: string | undefined;

export function logOut(reason?: string): void {
  sessionEndReason = reason;
  const refreshToken = current?.refreshToken;
  setSession(null);
  // Revoke the refresh token where the platform supports it; nothing to do otherwise.
  if (refreshToken) void fetch('/api/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) }).catch(() => undefined);
}

interface TokenAnswer {
  token: string;
  expiresAt: string;
  refreshToken?: string;
  user?: SessionUser;
}

async function send(method: string, path: string, body: unknown, token: string | undefined): Promise<Response> {
  try {
    return await fetch(`/api${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The platform cannot be reached. Check your connection; this page retries on its own.');
  }
}

async function parse<T>(response: Response): Promise<T> {
  const text = await response.text();
  let payload: unknown;
  try {
    payload = text ? JSON.parse(text) : undefined;
  } catch {
    payload = undefined;
  }
  if (!response.ok) {
    const error = (payload as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? `${response.status} ${response.statusText}`, error?.field);
  }
  return payload as T;
}

let refreshing: Promise<boolean> | undefined;

/**
 * Trades the refresh token for a new pair, once however many calls got a 401 at the same
 * time, and once across tabs: a refresh token is single use and the platform signs out a
 * session whose retired token is shown again, so tabs take turns (Web Locks) and a tab
 * that finds the stored session already refreshed by another simply uses it.
 */
function refreshSession(): Promise<boolean> {
  const given = current;
  if (!given?.refreshToken) return Promise.resolve(false);
  const refresh = async (): Promise<boolean> => {
    const stored = readStoredSession();
    if (stored && stored.token !== given.token) {
      current = stored;
      notify();
      return true;
    }
    const answer = await parse<TokenAnswer>(await send('POST', '/auth/refresh', { refreshToken: given.refreshToken }, undefined));
    setSession({ token: answer.token, expiresAt: answer.expiresAt, refreshToken: answer.refreshToken ?? given.refreshToken, user: answer.user ?? given.user });
    return true;
  };
  refreshing ??= (async () => {
    try {
      return await (navigator.locks ? navigator.locks.request('tradebot.refresh', refresh) : refresh());
    } catch {
      return false;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

/** A call to the API as the logged-in user. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = current?.token;
  let response = await send(method, path, body, token);
  if (response.status === 401 && token) {
    if (await refreshSession()) response = await send(method, path, body, current?.token);
    if (response.status === 401) {
      logOut('Your session has expired; please log in again.');
    }
  }
  return parse<T>(response);
}

/** The current access token, refreshed first when it is about to expire (for EventSource, which cannot send headers). */
export async function freshToken(): Promise<string | undefined> {
  if (current && Date.parse(current.expiresAt) - Date.now() < 60_000) await refreshSession();
  return current?.token;
}

export async function logIn(email: string, password: string): Promise<Session> {
  const answer = await parse<TokenAnswer>(await send('POST', '/auth/login', { email, password }, undefined));
  const user = answer.user ?? { id: '', email };
  const next: Session = { token: answer.token, expiresAt: answer.expiresAt, ...(answer.refreshToken ? { refreshToken: answer.refreshToken } : {}), user };
  sessionEndReason = undefined;
  setSession(next);
  return next;
}

export async function register(email: string, password: string): Promise<Session> {
  await parse<unknown>(await send('POST', '/auth/register', { email, password }, undefined));
  return logIn(email, password);
}
