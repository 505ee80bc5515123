/**
 * The bot lifecycle: which commands are possible in which state. Pure: callers turn a
 * refusal into a 409 with the reason.
 */

export const BOT_STATUSES = ['created', 'running', 'paused', 'stopped', 'error', 'deleted'] as const;
export type BotStatus = (typeof BOT_STATUSES)[number];

export const BOT_COMMANDS = ['start', 'pause', 'stop', 'fail', 'delete', 'reconfigure'] as const;
export type BotCommand = (typeof BOT_COMMANDS)[number];

export type LifecycleResult =
  | { readonly kind: 'allowed'; readonly next: BotStatus }
  | { readonly kind: 'refused'; readonly reason: string };

/** Commands allowed from each state and the state they lead to. */
const TRANSITIONS: Readonly<Record<BotStatus, Partial<Record<BotCommand, BotStatus>>>> = {
  created: { start: 'running', delete: 'deleted', reconfigure: 'created' },
  running: { pause: 'paused', stop: 'stopped', fail: 'error' },
  paused: { start: 'running', stop: 'stopped', fail: 'error' },
  stopped: { start: 'running', delete: 'deleted', reconfigure: 'stopped' },
  error: { start: 'running', stop: 'stopped', delete: 'deleted', reconfigure: 'error' },
  deleted: {},
};

const REFUSAL_HINTS: Partial<Record<BotCommand, string>> = {
  delete: 'stop the bot before deleting it',
  reconfigure: 'stop the bot before changing its market, strategy, risk or balance',
  pause: 'only a running bot can be paused',
};

/** Decides whether `command` may run on a bot in `status`, and what state follows. */
export function transition(status: BotStatus, command: BotCommand): LifecycleResult {
  const next = TRANSITIONS[status][command];
  if (next !== undefined) return { kind: 'allowed', next };
  const hint = REFUSAL_HINTS[command];
  return {
    kind: 'refused',
    reason: `cannot ${command} a bot that is ${status}${hint && status !== 'deleted' ? `: ${hint}` : ''}`,
  };
}

/**
 * A bot whose candles the scheduler ticks. A paused bot is still ticked: it records
 * decisions and may exit (stop-loss, take-profit, sell signal) but opens nothing new,
 * as Freqtrade's "stop entry" does, so pausing never strands an open position.
 */
export function isScheduled(status: BotStatus): boolean {
  return status === 'running' || status === 'paused';
}

/** Whether a bot in `status` may open or add to a position. */
export function mayEnter(status: BotStatus): boolean {
  return status === 'running';
}
