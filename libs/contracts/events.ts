/**
 * Moleculer event names and payloads. Events carry only what may be dropped (UI refresh,
 * cache invalidation, STYLE.md §4); work that must not be lost travels on the bus.
 */

export const EVENTS = {
  /** A bot was created, reconfigured, started, paused, stopped, failed or deleted. */
  botChanged: 'bot.changed',
  /** A decision was recorded for a candle. */
  decisionRecorded: 'bot.decision',
  /** An order changed state. */
  orderUpdated: 'bot.order',
  /** A fill was recorded. */
  fillRecorded: 'bot.fill',
  /** A protection (or the user's daily loss limit) paused a bot's entries. */
  protectionTriggered: 'bot.protection',
} as const;

/**
 * The events users follow live on `GET /api/events`: every `bot.*` event. Each carries the
 * owner's userId, which is how the stream keeps to the caller's bots.
 */
export const STREAMED_EVENTS: readonly string[] = Object.values(EVENTS).filter((name) => name.startsWith('bot.'));

export interface ProtectionTriggeredEvent {
  readonly botId: string;
  readonly userId: string;
  /** stop-loss-guard, max-drawdown, cooldown, low-profit or daily-loss-limit. */
  readonly protection: string;
  /** ISO time entries resume. */
  readonly until?: string;
  readonly reason: string;
}

export interface BotChangedEvent {
  /**
   * Unique per change. The event is broadcast (every scheduler replica drops its cached
   * config), so each gateway replica hears it with a different context id; this id lets the
   * shared live-event journal keep it once.
   */
  readonly changeId: string;
  readonly botId: string;
  readonly userId: string;
  readonly status: string;
}

export interface DecisionRecordedEvent {
  readonly botId: string;
  readonly userId: string;
  readonly candleTime: string;
  readonly signal: string;
  readonly outcome: string;
}

export interface OrderUpdatedEvent {
  readonly botId: string;
  readonly userId: string;
  readonly orderId: string;
  readonly status: string;
}

export interface FillRecordedEvent {
  readonly botId: string;
  readonly userId: string;
  readonly orderId: string;
  readonly side: string;
  readonly price: string;
  readonly quantity: string;
}
