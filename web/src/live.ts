/**
 * Live updates, in one place: the platform's server-sent events (`GET /api/events`, named
 * like the Moleculer events: bot.changed, bot.decision, bot.order, bot.fill, ...), or, on a
 * platform without that route, a poll every few seconds. Screens subscribe here and
 * refetch what an event concerns; they never know which of the two is running.
 */
import { freshToken, onSessionChange, session } from './api.ts';

export interface LiveEvent {
  /** The event's name, or "poll" when polling (anything may have changed). */
  readonly name: string;
  readonly botId?: string;
  readonly data: Record<string, unknown>;
}

export type LiveMode = 'connecting' | 'events' | 'polling' | 'off';

/** Names of the events the platform streams (libs/contracts/events.ts). */
export const LIVE_EVENT_NAMES = ['bot.changed', 'bot.decision', 'bot.order', 'bot.fill', 'bot.protection'] as const;
export const POLL_INTERVAL_MS = 2_000;

const listeners = new Set<(event: LiveEvent) => void>();
const modeListeners = new Set<(mode: LiveMode) => void>();
let mode: LiveMode = 'off';
let source: EventSource | undefined;
let pollTimer: ReturnType<typeof setInterval> | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

function setMode(next: LiveMode): void {
  mode = next;
  for (const listener of modeListeners) listener(next);
}

function emit(event: LiveEvent): void {
  for (const listener of listeners) listener(event);
}

function startPolling(): void {
  if (pollTimer) return;
  setMode('polling');
  pollTimer = setInterval(() => emit({ name: 'poll', data: {} }), POLL_INTERVAL_MS);
}

function stopAll(): void {
  source?.close();
  source = undefined;
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = undefined;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = undefined;
  setMode('off');
}

/** True from the moment a connection is asked for: one stream per tab (browsers allow six connections per host). */
let connecting = false;

async function connect(): Promise<void> {
  if (connecting || source || pollTimer || listeners.size === 0 || !session()) return;
  if (typeof EventSource === 'undefined') return startPolling();
  connecting = true;
  let token: string | undefined;
  try {
    token = await freshToken();
  } finally {
    connecting = false;
  }
  if (!token || source || pollTimer || listeners.size === 0) return;
  setMode('connecting');
  let opened = false;
  const events = new EventSource(`/api/events?access_token=${encodeURIComponent(token)}`);
  source = events;
  events.onopen = () => {
    opened = true;
    setMode('events');
    // Whatever happened while disconnected: let every screen catch up once.
    emit({ name: 'poll', data: {} });
  };
  for (const name of LIVE_EVENT_NAMES) {
    events.addEventListener(name, (message) => {
      let data: Record<string, unknown> = {};
      try {
        data = JSON.parse((message as MessageEvent<string>).data) as Record<string, unknown>;
      } catch {
        // an event without a JSON body still says something changed
      }
      emit({ name, data, ...(typeof data['botId'] === 'string' ? { botId: data['botId'] } : {}) });
    });
  }
  // Events were missed beyond what the platform keeps: every screen reloads its state.
  events.addEventListener('resync', () => emit({ name: 'poll', data: {} }));
  events.onerror = () => {
    if (events.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
    events.close();
    source = undefined;
    if (!opened) {
      // No event stream on this platform (or it refused us): poll instead.
      startPolling();
      return;
    }
    // The stream ended (token expired, server restarted): reconnect with a fresh token.
    retryTimer = setTimeout(() => void connect(), 1_000);
  };
}

/** Calls `listener` with every live event until the returned function is called. */
export function subscribeLive(listener: (event: LiveEvent) => void): () => void {
  listeners.add(listener);
  void connect();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) stopAll();
  };
}

export function liveMode(): LiveMode {
  return mode;
}

export function onLiveModeChange(listener: (mode: LiveMode) => void): () => void {
  modeListeners.add(listener);
  return () => modeListeners.delete(listener);
}

onSessionChange((next) => {
  if (!next) stopAll();
});
