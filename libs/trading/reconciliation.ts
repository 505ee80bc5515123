/**
 * Reconciliation of live trading with the exchanges, at start and periodically: every
 * order sent but not settled is looked up (missing fills applied, unknown orders
 * resolved, orders found on the exchange adopted); stopped bots whose policy says so get
 * their open orders cancelled; each exchange's open orders are listed once per (account,
 * market), and an order carrying our client-order-id prefix that no row knows is
 * reported. A bot whose reconciliation fails is recorded as failed with the reason, and
 * risk lets it place nothing until a later pass succeeds.
 */
import type { ExchangeClient } from '../exchange/exchange-client.ts';
import type { OrderRow } from '../db/trading.repository.ts';
import { cancelLiveOrder, processLiveOrder, type LiveOrderPorts, type OrderOutcome } from './order-processor.ts';

export interface LiveBot {
  readonly id: string;
  readonly userId: string;
  readonly market: string;
  readonly exchangeAccountId: string;
  readonly status: string;
  readonly stopPolicy: string;
}

export interface ReconcilePorts {
  ordersToReconcile(): Promise<OrderRow[]>;
  liveBots(): Promise<LiveBot[]>;
  openOrdersOf(botId: string): Promise<OrderRow[]>;
  knownClientOrderIds(ids: readonly string[]): Promise<Set<string>>;
  findOrder(orderId: string): Promise<OrderRow | null>;
  clientForAccount(accountId: string): Promise<ExchangeClient>;
  recordReconciliation(botId: string, outcome: { ok: boolean; reason: string | null }, now: Date): Promise<void>;
  readonly live: LiveOrderPorts;
  now(): Date;
  /** Each order that changed (for events). */
  onOutcome(outcome: OrderOutcome): void;
  /** An order with our prefix on the exchange that no row knows. */
  onStray(accountId: string, market: string, clientOrderId: string): void;
}

export interface ReconcileSummary {
  readonly orders: number;
  readonly bots: number;
  readonly failed: ReadonlyMap<string, string>;
}

/** Client order ids the platform makes start with this (libs/domain/order.ts). */
const OUR_PREFIX = 'tb';

export async function reconcileLiveTrading(ports: ReconcilePorts): Promise<ReconcileSummary> {
  const failed = new Map<string, string>();
  const orders = await ports.ordersToReconcile();
  const bots = await ports.liveBots();
  const botsById = new Map(bots.map((bot) => [bot.id, bot]));
  for (const order of orders) {
    const bot = botsById.get(order.botId);
    if (!bot) continue;
    try {
      ports.onOutcome(await processLiveOrder(order, await ports.clientForAccount(bot.exchangeAccountId), ports.live, ports.now));
    } catch (error) {
      failed.set(bot.id, `order ${order.id}: ${(error as Error).message}`);
    }
  }
  for (const bot of bots) {
    if (bot.status !== 'stopped' || bot.stopPolicy !== 'cancel-orders' || failed.has(bot.id)) continue;
    try {
      const client = await ports.clientForAccount(bot.exchangeAccountId);
      for (const order of await ports.openOrdersOf(bot.id)) ports.onOutcome(await cancelLiveOrder(order, client, ports.live, ports.now, 'bot stopped: its policy cancels open orders'));
    } catch (error) {
      failed.set(bot.id, `cancelling open orders: ${(error as Error).message}`);
    }
  }
  const markets = new Map<string, LiveBot[]>();
  for (const bot of bots) {
    const key = `${bot.exchangeAccountId}\u0000${bot.market}`;
    markets.set(key, [...(markets.get(key) ?? []), bot]);
  }
  for (const group of markets.values()) {
    const { exchangeAccountId, market } = group[0]!;
    try {
      const open = await (await ports.clientForAccount(exchangeAccountId)).live!.openOrders(market);
      const ours = open.map((order) => order.clientOrderId).filter((id): id is string => id !== undefined && id.startsWith(OUR_PREFIX));
      const known = await ports.knownClientOrderIds(ours);
      for (const id of ours) if (!known.has(id)) ports.onStray(exchangeAccountId, market, id);
    } catch (error) {
      for (const bot of group) if (!failed.has(bot.id)) failed.set(bot.id, `listing open orders on the exchange: ${(error as Error).message}`);
    }
  }
  const now = ports.now();
  for (const bot of bots) await ports.recordReconciliation(bot.id, failed.has(bot.id) ? { ok: false, reason: failed.get(bot.id)! } : { ok: true, reason: null }, now);
  return { orders: orders.length, bots: bots.length, failed };
}
