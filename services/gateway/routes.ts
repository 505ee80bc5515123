/**
 * The REST API: every route once, with the action behind it. The gateway's aliases and the
 * OpenAPI document are both generated from this table, so they cannot disagree.
 */
import { ACTIONS } from '../../libs/contracts/actions.ts';

export const API_PREFIX = '/api';

export const GATEWAY_ACTIONS = { health: 'gateway.health', ready: 'gateway.ready', openapi: 'gateway.openapi', events: 'gateway.events' } as const;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  readonly method: HttpMethod;
  /** Path under /api, with :params. */
  readonly path: string;
  readonly action: string;
  /** Reachable without a token. */
  readonly public?: boolean;
  /** Only for callers with the admin role (403 for others). */
  readonly admin?: boolean;
  readonly summary: string;
  readonly tag: string;
  /** HTTP status of success (200 unless given). */
  readonly status?: number;
  /** Name of the response schema in the OpenAPI components. */
  readonly response: string;
  /** Path (under /api) of what a 201 created, for the Location header; `{id}` is the new id. */
  readonly location?: string;
  /**
   * A Server-Sent Events stream served by the gateway itself (no action behind it). It
   * also accepts the access token as `?access_token=`, because browsers' EventSource
   * cannot send headers; `query` documents its query parameters.
   */
  readonly stream?: { readonly query: Record<string, Record<string, unknown>> };
}

export const ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/health', action: GATEWAY_ACTIONS.health, public: true, summary: 'Liveness of the gateway and the services it sees', tag: 'operations', response: 'Health' },
  { method: 'GET', path: '/ready', action: GATEWAY_ACTIONS.ready, public: true, summary: 'Readiness: Postgres, migrations, NATS and Redis (those configured) reachable; 503 when not', tag: 'operations', response: 'Readiness' },
  { method: 'GET', path: '/openapi.json', action: GATEWAY_ACTIONS.openapi, public: true, summary: 'This API description (OpenAPI 3.1)', tag: 'operations', response: 'OpenApiDocument' },
  {
    method: 'GET', path: '/events', action: GATEWAY_ACTIONS.events, summary: "Server-Sent Events: the caller's bot events (bot.changed, bot.decision, bot.order, bot.fill, bot.protection) as they happen; reconnect with Last-Event-ID to resume", tag: 'events', response: 'EventStream',
    stream: {
      query: {
        access_token: { type: 'string', max: 4096, optional: true, description: 'The access token, for clients that cannot send an Authorization header (EventSource); never logged.' },
        lastEventId: { type: 'string', max: 64, optional: true, description: 'Resume after this event id (the Last-Event-ID header does the same).' },
      },
    },
  },
  { method: 'POST', path: '/auth/register', action: ACTIONS.auth.register, public: true, summary: 'Create an account', tag: 'auth', status: 201, response: 'User', location: '/auth/me' },
  { method: 'POST', path: '/auth/login', action: ACTIONS.auth.login, public: true, summary: 'Log in for a bearer token', tag: 'auth', response: 'Token' },
  { method: 'POST', path: '/auth/refresh', action: ACTIONS.auth.refresh, public: true, summary: 'Exchange a refresh token for a new access token and refresh token (the old one is retired)', tag: 'auth', response: 'Token' },
  { method: 'POST', path: '/auth/logout', action: ACTIONS.auth.logout, public: true, summary: 'Revoke the session (the refresh token and every token descended from its login)', tag: 'auth', response: 'LoggedOut' },
  { method: 'POST', path: '/auth/password', action: ACTIONS.auth.changePassword, summary: 'Change the password; every other session is signed out', tag: 'auth', response: 'Token' },
  { method: 'GET', path: '/auth/me', action: ACTIONS.auth.me, summary: 'The account the token belongs to', tag: 'auth', response: 'User' },
  { method: 'GET', path: '/strategies', action: ACTIONS.strategy.catalog, public: true, summary: 'Strategies with their parameter schemas', tag: 'catalog', response: 'StrategyList' },
  { method: 'GET', path: '/markets', action: ACTIONS.bots.markets, public: true, summary: 'Market sources and the markets they list', tag: 'catalog', response: 'MarketList' },
  { method: 'GET', path: '/bots', action: ACTIONS.bots.list, summary: "The caller's bots", tag: 'bots', response: 'BotList' },
  { method: 'POST', path: '/bots', action: ACTIONS.bots.create, summary: 'Create a bot (status "created")', tag: 'bots', status: 201, response: 'Bot', location: '/bots/{id}' },
  { method: 'GET', path: '/fleet', action: ACTIONS.bots.fleet, summary: "The caller's bots with position, profit and latest decision (one call for a fleet view)", tag: 'bots', response: 'Fleet' },
  { method: 'GET', path: '/bots/:id', action: ACTIONS.bots.get, summary: 'One bot', tag: 'bots', response: 'Bot' },
  { method: 'PATCH', path: '/bots/:id', action: ACTIONS.bots.update, summary: 'Rename (any time) or reconfigure (when not running) a bot', tag: 'bots', response: 'Bot' },
  { method: 'DELETE', path: '/bots/:id', action: ACTIONS.bots.remove, summary: 'Delete a bot that is not running', tag: 'bots', response: 'Deleted' },
  { method: 'POST', path: '/bots/:id/start', action: ACTIONS.bots.start, summary: 'Start (or resume) a bot', tag: 'bots', response: 'Bot' },
  { method: 'POST', path: '/bots/:id/stop', action: ACTIONS.bots.stop, summary: 'Stop a bot', tag: 'bots', response: 'Bot' },
  { method: 'POST', path: '/bots/:id/pause', action: ACTIONS.bots.pause, summary: 'Pause entries (exits still run)', tag: 'bots', response: 'Bot' },
  { method: 'GET', path: '/bots/:id/decisions', action: ACTIONS.bots.decisions, summary: 'Decisions, newest first', tag: 'history', response: 'DecisionPage' },
  { method: 'GET', path: '/bots/:id/orders', action: ACTIONS.bots.orders, summary: 'Orders, newest first', tag: 'history', response: 'OrderPage' },
  { method: 'GET', path: '/bots/:id/trades', action: ACTIONS.bots.trades, summary: 'Trades (fills), newest first', tag: 'history', response: 'TradePage' },
  { method: 'GET', path: '/bots/:id/chart', action: ACTIONS.bots.chart, summary: 'Chart of a bot: candles up to its last decided one, its indicators, entries and exits, equity', tag: 'history', response: 'Chart' },
  { method: 'GET', path: '/bots/:id/position', action: ACTIONS.bots.position, summary: 'Position, balances and profit', tag: 'history', response: 'Position' },
  { method: 'GET', path: '/backtests', action: ACTIONS.strategy.listBacktests, summary: "The caller's backtests, newest first", tag: 'backtests', response: 'BacktestList' },
  { method: 'POST', path: '/backtests', action: ACTIONS.strategy.createBacktest, summary: 'Queue a backtest (it runs on a worker thread)', tag: 'backtests', status: 202, response: 'Backtest', location: '/backtests/{id}' },
  { method: 'GET', path: '/backtests/:id', action: ACTIONS.strategy.getBacktest, summary: 'A backtest: status, progress and, once completed, its report', tag: 'backtests', response: 'Backtest' },
  { method: 'GET', path: '/exchange-accounts', action: ACTIONS.execution.listExchangeAccounts, summary: 'Your exchange accounts (masked keys, never the keys)', tag: 'exchange accounts', response: 'ExchangeAccountList' },
  { method: 'POST', path: '/exchange-accounts', action: ACTIONS.execution.createExchangeAccount, summary: 'Add exchange API keys (checked with a balance call, stored sealed; use keys without withdrawal rights)', tag: 'exchange accounts', status: 201, response: 'ExchangeAccount', location: '/exchange-accounts' },
  { method: 'DELETE', path: '/exchange-accounts/:id', action: ACTIONS.execution.removeExchangeAccount, summary: 'Remove an exchange account no bot uses', tag: 'exchange accounts', response: 'Deleted' },
  { method: 'GET', path: '/backtests/:id/chart', action: ACTIONS.strategy.backtestChart, summary: "Chart of a completed backtest: its candles, indicators, entries and exits, equity", tag: 'backtests', response: 'Chart' },
  { method: 'GET', path: '/risk-limits', action: ACTIONS.risk.limits, summary: 'Your limits across all your bots: daily loss and exposure per market', tag: 'risk', response: 'RiskLimits' },
  { method: 'PUT', path: '/risk-limits', action: ACTIONS.risk.setLimits, summary: 'Set your limits across all your bots (null removes one)', tag: 'risk', response: 'RiskLimits' },
  { method: 'GET', path: '/admin/kill-switch', action: ACTIONS.risk.killSwitch, admin: true, summary: 'The platform kill switch: mode, reason, who and when (admin only)', tag: 'admin', response: 'KillSwitch' },
  { method: 'PUT', path: '/admin/kill-switch', action: ACTIONS.risk.setKillSwitch, admin: true, summary: 'Halt entries or all trading on the platform, or resume; recorded with who and why (admin only)', tag: 'admin', response: 'KillSwitch' },
  { method: 'GET', path: '/admin/audit', action: ACTIONS.audit.list, admin: true, summary: 'The audit log of user and operator actions, newest first (admin only)', tag: 'admin', response: 'AuditPage' },
  { method: 'GET', path: '/admin/bus/lag', action: ACTIONS.bus.lag, admin: true, summary: 'Bus lag: pending and in-flight messages per partition, throughput per stream (admin only)', tag: 'admin', response: 'BusLag' },
  { method: 'GET', path: '/admin/dead-letters', action: ACTIONS.bus.deadLetters, admin: true, summary: 'Bus messages that failed every delivery, with their error; ?stream= and ?limit= (admin only)', tag: 'admin', response: 'DeadLetterList' },
  { method: 'POST', path: '/admin/dead-letters/:id/replay', action: ACTIONS.bus.replayDeadLetter, admin: true, summary: 'Publish a dead letter again on its stream and remove it (admin only)', tag: 'admin', response: 'DeadLetterReplayed' },
  { method: 'DELETE', path: '/admin/dead-letters/:id', action: ACTIONS.bus.removeDeadLetter, admin: true, summary: 'Remove a dead letter an operator has dealt with (admin only)', tag: 'admin', response: 'DeadLetterRemoved' },
  { method: 'GET', path: '/admin/users', action: ACTIONS.auth.listUsers, admin: true, summary: 'Every account, newest first (admin only)', tag: 'admin', response: 'UserPage' },
];
