/**
 * Places a committed order on its exchange and records the outcome. The order row exists
 * (state pending_submit, deterministic client order id) before the exchange is called;
 * every outcome goes through the order state machine (libs/execution), and fills are
 * applied once each by trade id, so a redelivered message or a second worker never
 * applies anything twice.
 *
 * Paper orders fill at once. Live orders (an exchange with `live` operations) follow the
 * "no order lost, none placed twice" rules: each send is counted on the row before the
 * call; a lost answer makes the order `unknown`, and an order sent before is looked up by
 * client order id and sent again only once the exchange proves it never took it.
 */
import { Decimal } from '../domain/decimal.ts';
import type { Fill, OrderStatus } from '../domain/order.ts';
import { isTerminal } from '../domain/order.ts';
import { ExchangeRejectedError, OutcomeUnknownError } from '../execution/execution-errors.ts';
import type { ExchangeClient, OrderReport } from '../exchange/exchange-client.ts';
import type { OrderReportUpdate, OrderRow, ReportApplied } from '../db/trading.repository.ts';

export interface OrderPorts {
  findOrder(orderId: string): Promise<OrderRow | null>;
  exchangeFor(botId: string): Promise<ExchangeClient>;
  applySubmission(orderId: string, report: { exchangeOrderId: string; status: OrderStatus; fills: readonly Fill[]; statusReason?: string }, now: Date): Promise<{ applied: boolean; fills: { fill: Fill; realizedProfit: Decimal }[] }>;
  now(): Date;
  /** Why no new order may go out at all right now (the kill switch in mode `all`), or undefined. */
  haltedReason?(): Promise<string | undefined>;
  /** Live trading only (an exchange with `live` operations). */
  live?: LiveOrderPorts;
}

export interface LiveOrderPorts {
  applyReport(orderId: string, report: OrderReportUpdate, now: Date): Promise<ReportApplied>;
  claimSubmission(orderId: string, expectedAttempts: number, now: Date): Promise<boolean>;
  knownExchangeOrderIds(botId: string): Promise<ReadonlySet<string>>;
  /** Pauses a bot that cannot go on (keys refused, no funds), with the reason. */
  pauseBot(botId: string, reason: string): Promise<void>;
  /** Logs a transition the state machine refused. */
  refused(orderId: string, reason: string): void;
}

export interface OrderOutcome {
  readonly status: OrderStatus | 'missing' | 'already-processed';
  readonly fills: readonly { fill: Fill; realizedProfit: Decimal }[];
  readonly order?: OrderRow;
}

/** Sends of one order at most (the first and two more after proven absences). */
export const MAX_SUBMIT_ATTEMPTS = 3;
/** An order proven never placed is sent again only this soon after it was decided: later, its candle is stale. */
export const RESUBMIT_WINDOW_MS = 120_000;
/** How far back of an order's creation a lookup searches the exchange's orders and trades. */
const LOOKUP_MARGIN_MS = 60_000;

export async function processOrder(orderId: string, ports: OrderPorts): Promise<OrderOutcome> {
  const order = await ports.findOrder(orderId);
  if (!order) return { status: 'missing', fills: [] };
  if (order.status === 'pending_submit' && order.submitAttempts === 0 && ports.haltedReason) {
    // An order committed just before an operator halted everything is not sent: it is refused with the operator's reason.
    const halted = await ports.haltedReason();
    if (halted !== undefined) {
      const result = await ports.applySubmission(orderId, { exchangeOrderId: '', status: 'rejected', fills: [], statusReason: halted }, ports.now());
      return result.applied ? { status: 'rejected', fills: [], order } : { status: 'already-processed', fills: [], order };
    }
  }
  const exchange = await ports.exchangeFor(order.botId);
  if (exchange.live !== undefined && ports.live !== undefined) return processLiveOrder(order, exchange, ports.live, ports.now);
  if (order.status !== 'pending_submit') return { status: 'already-processed', fills: [], order };
  const report = await exchange.createOrder(requestOf(order));
  const result = await ports.applySubmission(orderId, report, ports.now());
  if (!result.applied) return { status: 'already-processed', fills: [], order };
  return { status: report.status, fills: result.fills, order };
}

function requestOf(order: OrderRow) {
  return {
    clientOrderId: order.clientOrderId, symbol: order.market, side: order.side, type: order.type,
    quantity: new Decimal(order.quantity), referencePrice: new Decimal(order.referencePrice), requestedAt: order.candleTime.getTime(),
  };
}

async function apply(order: OrderRow, ports: LiveOrderPorts, update: OrderReportUpdate, now: () => Date): Promise<OrderOutcome> {
  const result = await ports.applyReport(order.id, update, now());
  if (result.refused !== undefined) ports.refused(order.id, result.refused);
  return { status: result.to ?? order.status, fills: result.fills, order };
}

function updateOf(report: OrderReport): OrderReportUpdate {
  return { exchangeOrderId: report.exchangeOrderId, status: report.status, fills: report.fills, ...(report.filledQuantity !== undefined ? { filledQuantity: report.filledQuantity } : {}) };
}

/** Sends the order (its `attempts`-th send was counted), and records what came of it. */
async function send(order: OrderRow, exchange: ExchangeClient, ports: LiveOrderPorts, now: () => Date, attempts: number): Promise<OrderOutcome> {
  if (!(await ports.claimSubmission(order.id, attempts, now()))) return { status: 'already-processed', fills: [], order };
  try {
    return await apply(order, ports, updateOf(await exchange.createOrder(requestOf(order))), now);
  } catch (error) {
    if (error instanceof OutcomeUnknownError) {
      const outcome = await apply(order, ports, { status: 'unknown', fills: [], statusReason: error.message }, now);
      // Look it up at once: most lost answers are found placed (or proven absent) straight away.
      const fresh = { ...order, status: 'unknown' as const, submitAttempts: attempts + 1 };
      return (await resolve(fresh, exchange, ports, now)) ?? outcome;
    }
    if (error instanceof ExchangeRejectedError) {
      const outcome = await apply(order, ports, { status: 'rejected', fills: [], statusReason: error.message }, now);
      if (error.pausesBot) await ports.pauseBot(order.botId, error.message);
      return outcome;
    }
    // Unavailable after every retry: the exchange took nothing; the row counts the send, so the next try looks it up first.
    throw error;
  }
}

/** Looks up an order that may be on the exchange; sends it again only when proven absent. Undefined: nothing changed. */
async function resolve(order: OrderRow, exchange: ExchangeClient, ports: LiveOrderPorts, now: () => Date): Promise<OrderOutcome | undefined> {
  const since = order.createdAt.getTime() - LOOKUP_MARGIN_MS;
  const lookup = await exchange.live!.findOrder(order.market, order.clientOrderId, order.exchangeOrderId ?? null, since, await ports.knownExchangeOrderIds(order.botId));
  if (lookup.kind === 'found') return apply(order, ports, updateOf(lookup.report), now);
  if (lookup.kind === 'unproven') {
    if (order.status === 'pending_submit') return apply(order, ports, { status: 'unknown', fills: [], statusReason: lookup.reason }, now);
    return undefined;
  }
  // Proven absent: the exchange never took it.
  const age = now().getTime() - order.createdAt.getTime();
  if (age > RESUBMIT_WINDOW_MS || order.submitAttempts >= MAX_SUBMIT_ATTEMPTS) {
    const reason = age > RESUBMIT_WINDOW_MS ? 'never reached the exchange, and its candle is too old to place it now' : `never reached the exchange after ${order.submitAttempts} sends`;
    if (order.status === 'pending_submit') await apply(order, ports, { status: 'unknown', fills: [] }, now);
    return apply({ ...order, status: 'unknown' }, ports, { status: 'rejected', fills: [], statusReason: reason }, now);
  }
  if (order.status === 'unknown') await apply(order, ports, { status: 'pending_submit', fills: [], statusReason: 'proven absent on the exchange: sending again' }, now);
  return send({ ...order, status: 'pending_submit' }, exchange, ports, now, order.submitAttempts);
}

/** One step of a live order: send, resolve, or refresh, as its state asks. */
export async function processLiveOrder(order: OrderRow, exchange: ExchangeClient, ports: LiveOrderPorts, now: () => Date): Promise<OrderOutcome> {
  if (isTerminal(order.status)) return { status: 'already-processed', fills: [], order };
  if (order.status === 'pending_submit' && order.submitAttempts === 0) return send(order, exchange, ports, now, 0);
  if (order.status === 'pending_submit' || order.status === 'unknown') return (await resolve(order, exchange, ports, now)) ?? { status: order.status, fills: [], order };
  // open, partially filled, cancel pending: ask how it stands.
  return (await resolve(order, exchange, ports, now)) ?? { status: order.status, fills: [], order };
}

/** Cancels a live order (a bot stopping with the cancel policy). A cancel that races a fill ends filled. */
export async function cancelLiveOrder(order: OrderRow, exchange: ExchangeClient, ports: LiveOrderPorts, now: () => Date, reason: string): Promise<OrderOutcome> {
  if (order.exchangeOrderId === null || order.exchangeOrderId === undefined || exchange.live === undefined) return { status: order.status, fills: [], order };
  const pending = await apply(order, ports, { status: 'cancel_pending', fills: [], statusReason: reason }, now);
  const report = await exchange.live.cancelOrder(order.market, order.exchangeOrderId, order.clientOrderId);
  return apply({ ...order, status: pending.status as OrderStatus }, ports, updateOf(report), now);
}
