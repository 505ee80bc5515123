/**
 * Every Moleculer service and action name, declared once (STYLE.md §3). Services and
 * callers use these constants, never string literals.
 */

export const SERVICES = {
  gateway: 'gateway',
  auth: 'auth',
  audit: 'audit',
  bots: 'bots',
  scheduler: 'scheduler',
  strategy: 'strategy',
  risk: 'risk',
  execution: 'execution',
  bus: 'bus',
} as const;
export type ServiceName = (typeof SERVICES)[keyof typeof SERVICES];

/** Local action names (as declared inside each service). */
export const ACTION = {
  auth: { register: 'register', login: 'login', refresh: 'refresh', logout: 'logout', changePassword: 'changePassword', me: 'me', listUsers: 'listUsers' },
  audit: { list: 'list', record: 'record' },
  bots: {
    create: 'create', get: 'get', list: 'list', update: 'update', remove: 'remove',
    start: 'start', stop: 'stop', pause: 'pause',
    decisions: 'decisions', orders: 'orders', trades: 'trades', position: 'position',
    scheduled: 'scheduled', markFailed: 'markFailed', markPaused: 'markPaused', dailyReset: 'dailyReset', markets: 'markets',
    fleet: 'fleet', chart: 'chart',
    operatorList: 'operatorList', operatorShow: 'operatorShow', operatorCommand: 'operatorCommand',
  },
  strategy: { catalog: 'catalog', createBacktest: 'createBacktest', getBacktest: 'getBacktest', listBacktests: 'listBacktests', backtestChart: 'backtestChart' },
  risk: { approve: 'approve', limits: 'limits', setLimits: 'setLimits', killSwitch: 'killSwitch', setKillSwitch: 'setKillSwitch' },
  execution: { sweep: 'sweep', createExchangeAccount: 'createExchangeAccount', listExchangeAccounts: 'listExchangeAccounts', removeExchangeAccount: 'removeExchangeAccount', reconcile: 'reconcile' },
  scheduler: { clocks: 'clocks' },
  bus: { lag: 'lag', deadLetters: 'deadLetters', replayDeadLetter: 'replayDeadLetter', removeDeadLetter: 'removeDeadLetter' },
} as const;

type Qualified<S extends string, A extends Record<string, string>> = { readonly [K in keyof A]: `${S}.${A[K]}` };

function qualify<S extends string, A extends Record<string, string>>(service: S, actions: A): Qualified<S, A> {
  return Object.fromEntries(Object.entries(actions).map(([key, name]) => [key, `${service}.${name}`])) as Qualified<S, A>;
}

/** Fully qualified action names for `ctx.call` and gateway aliases. */
export const ACTIONS = {
  auth: qualify(SERVICES.auth, ACTION.auth),
  audit: qualify(SERVICES.audit, ACTION.audit),
  bots: qualify(SERVICES.bots, ACTION.bots),
  strategy: qualify(SERVICES.strategy, ACTION.strategy),
  risk: qualify(SERVICES.risk, ACTION.risk),
  execution: qualify(SERVICES.execution, ACTION.execution),
  scheduler: qualify(SERVICES.scheduler, ACTION.scheduler),
  bus: qualify(SERVICES.bus, ACTION.bus),
} as const;
