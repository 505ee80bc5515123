/**
 * Bus streams and their payloads: the work that must not be lost. Ticks and orders have
 * separate streams (and consumers) so order work never queues behind a burst of ticks.
 */

export const STREAMS = {
  ticks: 'ticks',
  orders: 'orders',
} as const;

/** A candle of the bot's market closed: decide on it (and on any candle missed before it). */
export interface TickMessage {
  readonly botId: string;
  /** Open time of the closed candle, Unix ms. */
  readonly candleTime: number;
}

/** An order row was committed in state pending_submit: place it. */
export interface OrderMessage {
  readonly botId: string;
  readonly orderId: string;
}

export interface StreamPayloads {
  readonly [STREAMS.ticks]: TickMessage;
  readonly [STREAMS.orders]: OrderMessage;
  readonly [stream: string]: unknown;
}

/** Publish id of a tick: the same bot and candle from any scheduler replica is kept once. */
export function tickMessageId(botId: string, candleTime: number): string {
  return `tick:${botId}:${candleTime}`;
}

export function orderMessageId(orderId: string): string {
  return `order:${orderId}`;
}
