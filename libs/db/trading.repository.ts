/**
 * The writes of trading: decisions (fenced per bot), orders (intent first) and fills with
 * their effect on position and balances. Each effect commits in one transaction with the
 * fence that makes it happen at most once, so a redelivered message or a zombie replica
 * cannot apply it again (DESIGN.md §4).
 */
import type { InferEntity } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { Decimal } from '../domain/decimal.ts';
import type { Fill, OrderSide, OrderStatus } from '../domain/order.ts';
import { applyFill, averageEntryPrice, type Balances, type Position } from '../domain/position.ts';
import { countFill, rollTradingDay, type DailyCounters } from '../risk/daily-counters.ts';
import type { Database } from './database.ts';
import { BotEntity } from './entities/bot.entity.ts';
import { BotStateEntity } from './entities/bot-state.entity.ts';
import { DecisionEntity, type DecisionOutcome } from './entities/decision.entity.ts';
import { FillEntity } from './entities/fill.entity.ts';
import { OrderEntity } from './entities/order.entity.ts';
import { PositionEntity } from './entities/position.entity.ts';

export type BotStateRow = InferEntity<typeof BotStateEntity>;
export type OrderRow = InferEntity<typeof OrderEntity>;
type BotRow = InferEntity<typeof BotEntity>;
type PositionRow = InferEntity<typeof PositionEntity>;

/** What deciding on a bot's candles needs to know. */
export interface TradingContext {
  readonly bot: BotRow;
  readonly state: BotStateRow;
  readonly position: Position;
  readonly balances: Balances;
  readonly counters: DailyCounters;
  /** Orders of the bot not yet filled, cancelled or rejected. */
  readonly openOrders: number;
  /** Highest close since the position was entered (trailing stop); undefined when flat or unknown. */
  readonly peakPrice: number | undefined;
}

/** A new order, committed with the decision that asked for it. */
export interface NewOrder {
  readonly id: string;
  readonly clientOrderId: string;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  readonly referencePrice: Decimal;
  readonly reason: string;
}

/** One decided candle, ready to record. */
export interface CandleRecord {
  readonly candleTime: number;
  readonly signal: string;
  readonly price: Decimal | null;
  readonly indicators: Readonly<Record<string, number | null>>;
  readonly outcome: DecisionOutcome;
  readonly reason: string;
  readonly order: NewOrder | undefined;
}

export type RecordResult = 'recorded' | 'fenced';

function positionFromRow(row: PositionRow): Position {
  return { quantity: new Decimal(row.quantity), costBasis: new Decimal(row.costBasis), realizedProfit: new Decimal(row.realizedProfit), feesPaid: new Decimal(row.feesPaid) };
}

function countersFromRow(state: BotStateRow): DailyCounters {
  return { tradingDay: state.tradingDay ?? null, tradesToday: state.tradesToday, realizedProfitToday: new Decimal(state.realizedProfitToday) };
}

/** The trailing stop's peak after fills: cleared when flat, at least the break-even entry while holding. */
export function peakAfterFills(peak: string | null, position: Position): string | null {
  const entry = averageEntryPrice(position);
  if (entry === undefined) return null;
  return peak !== null && new Decimal(peak).gt(entry) ? peak : entry.toDecimalPlaces(18).toFixed();
}

const OPEN_STATUSES: OrderStatus[] = ['pending_submit', 'open', 'partially_filled', 'cancel_pending', 'unknown'];

async function loadContext(em: SqlEntityManager, botId: string): Promise<TradingContext | undefined> {
  const [bot, state, position, openOrders] = await Promise.all([
    em.findOne(BotEntity, { id: botId }),
    em.findOne(BotStateEntity, { botId }),
    em.findOne(PositionEntity, { botId }),
    em.count(OrderEntity, { botId, status: { $in: OPEN_STATUSES } }),
  ]);
  if (!bot || !state || !position) return undefined;
  return {
    bot, state, openOrders,
    position: positionFromRow(position),
    peakPrice: position.peakPrice === null || position.peakPrice === undefined ? undefined : Number(position.peakPrice),
    balances: { quote: new Decimal(state.quoteBalance), base: new Decimal(state.baseBalance) },
    counters: countersFromRow(state),
  };
}

export class TradingRepository {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async loadContext(botId: string): Promise<TradingContext | undefined> {
    return loadContext(this.#database.em(), botId);
  }

  /**
   * Records decided candles (consecutive, oldest first) and any order they ask for, moving
   * the bot's fence from `expectedLast` to the last record's candle. If another worker
   * moved the fence first, nothing is written and 'fenced' comes back.
   */
  async recordCandles(botId: string, expectedLast: number | null, resumeFrom: number, records: readonly CandleRecord[], market: string, now: Date): Promise<RecordResult> {
    const last = records.at(-1);
    if (!last) return 'recorded';
    return this.#database.em().transactional(async (em) => {
      const fence = await em.getConnection().execute<{ affectedRows: number; insertId: number }>(
        `update bot_states set last_candle_time = ?, resume_from = coalesce(resume_from, ?), sequence = sequence + ?, updated_at = ?
         where bot_id = ? and last_candle_time is not distinct from ?`,
        [new Date(last.candleTime), new Date(resumeFrom), records.length, now, botId, expectedLast === null ? null : new Date(expectedLast)],
        'run',
        em.getTransactionContext(),
      );
      if (fence.affectedRows !== 1) return 'fenced';
      const state = await em.findOneOrFail(BotStateEntity, { botId });
      const counters = rollTradingDay(countersFromRow(state), last.candleTime);
      state.tradingDay = counters.tradingDay;
      state.tradesToday = counters.tradesToday;
      state.realizedProfitToday = counters.realizedProfitToday.toFixed();
      for (const record of records) {
        em.create(DecisionEntity, {
          botId, candleTime: new Date(record.candleTime), signal: record.signal, price: record.price?.toFixed() ?? null,
          indicators: { ...record.indicators }, outcome: record.outcome, reason: record.reason, orderId: record.order?.id ?? null, createdAt: now,
        });
        if (record.order) {
          em.create(OrderEntity, {
            id: record.order.id, botId, clientOrderId: record.order.clientOrderId, exchangeOrderId: null, market,
            side: record.order.side, type: 'market', quantity: record.order.quantity.toFixed(), referencePrice: record.order.referencePrice.toFixed(),
            candleTime: new Date(record.candleTime), reason: record.order.reason, status: 'pending_submit',
            filledQuantity: '0', averageFillPrice: null, fee: '0', feeCurrency: null, statusReason: null, submitAttempts: 0, createdAt: now, updatedAt: now,
          });
        }
      }
      const lastPriced = records.findLast((record) => record.price !== null);
      if (lastPriced?.price) {
        await em.nativeUpdate(PositionEntity, { botId }, { lastPrice: lastPriced.price.toFixed(), updatedAt: now });
        // The trailing stop's peak follows the highest close while a position is held.
        const highest = records.reduce((high, record) => (record.price !== null && record.price.gt(high) ? record.price : high), lastPriced.price);
        await em.getConnection().execute(
          'update positions set peak_price = greatest(coalesce(peak_price, 0), ?) where bot_id = ? and quantity > 0',
          [highest.toFixed(), botId], 'run', em.getTransactionContext(),
        );
      }
      return 'recorded';
    });
  }

  async ownerOf(botId: string): Promise<string | undefined> {
    const bot = await this.#database.em().findOne(BotEntity, { id: botId }, { fields: ['userId'] });
    return bot?.userId;
  }

  async findOrder(orderId: string): Promise<OrderRow | null> {
    return this.#database.em().findOne(OrderEntity, { id: orderId });
  }

  /**
   * Applies what the exchange reported for an order still pending submission: its new
   * status, its fills (each once), and their effect on position, balances and daily
   * counters. Returns false, changing nothing, if the order already left pending_submit
   * (another worker got there first).
   */
  async applySubmission(orderId: string, report: { exchangeOrderId: string; status: OrderStatus; fills: readonly Fill[]; statusReason?: string }, now: Date): Promise<{ applied: boolean; fills: { fill: Fill; realizedProfit: Decimal }[] }> {
    return this.#database.em().transactional(async (em) => {
      const moved = await em.nativeUpdate(OrderEntity, { id: orderId, status: 'pending_submit' }, { status: report.status, exchangeOrderId: report.exchangeOrderId, statusReason: report.statusReason ?? null, updatedAt: now });
      if (moved !== 1) return { applied: false, fills: [] };
      const order = await em.findOneOrFail(OrderEntity, { id: orderId });
      const state = await em.findOneOrFail(BotStateEntity, { botId: order.botId });
      const positionRow = await em.findOneOrFail(PositionEntity, { botId: order.botId });
      let position = positionFromRow(positionRow);
      let balances: Balances = { quote: new Decimal(state.quoteBalance), base: new Decimal(state.baseBalance) };
      let counters = countersFromRow(state);
      let filled = new Decimal(order.filledQuantity);
      let notional = new Decimal(order.averageFillPrice ?? 0).mul(filled);
      let fee = new Decimal(order.fee);
      const applied: { fill: Fill; realizedProfit: Decimal }[] = [];
      for (const fill of report.fills) {
        const effect = applyFill(position, balances, fill);
        position = effect.position;
        balances = effect.balances;
        counters = countFill(counters, fill.executedAt, effect.realizedProfit);
        filled = filled.add(fill.quantity);
        notional = notional.add(fill.price.mul(fill.quantity));
        fee = fee.add(fill.fee);
        em.create(FillEntity, {
          id: crypto.randomUUID(), orderId, botId: order.botId, tradeId: fill.tradeId, side: fill.side,
          price: fill.price.toFixed(), quantity: fill.quantity.toFixed(), fee: fill.fee.toFixed(), feeCurrency: fill.feeCurrency,
          realizedProfit: effect.realizedProfit.toFixed(), executedAt: new Date(fill.executedAt), createdAt: now,
        });
        order.feeCurrency = fill.feeCurrency;
        applied.push({ fill, realizedProfit: effect.realizedProfit });
      }
      order.filledQuantity = filled.toFixed();
      order.averageFillPrice = filled.isZero() ? null : notional.div(filled).toFixed();
      order.fee = fee.toFixed();
      state.quoteBalance = balances.quote.toFixed();
      state.baseBalance = balances.base.toFixed();
      state.tradingDay = counters.tradingDay;
      state.tradesToday = counters.tradesToday;
      state.realizedProfitToday = counters.realizedProfitToday.toFixed();
      state.updatedAt = now;
      positionRow.quantity = position.quantity.toFixed();
      positionRow.costBasis = position.costBasis.toFixed();
      positionRow.realizedProfit = position.realizedProfit.toFixed();
      positionRow.feesPaid = position.feesPaid.toFixed();
      positionRow.peakPrice = peakAfterFills(positionRow.peakPrice ?? null, position);
      positionRow.updatedAt = now;
      return { applied: true, fills: applied };
    });
  }

  /** Orders committed but not yet submitted since before `olderThan`: the outbox to re-publish. */
  async unsubmittedOrders(olderThan: Date, limit = 1_000): Promise<{ id: string; botId: string }[]> {
    const rows = await this.#database.em().find(OrderEntity, { status: 'pending_submit', createdAt: { $lt: olderThan } }, { fields: ['id', 'botId'], orderBy: { createdAt: 'asc' }, limit });
    return rows.map((row) => ({ id: row.id, botId: row.botId }));
  }

  /** Resets every daily counter older than `day` (the midnight sweep). Returns rows reset. */
  async resetDailyCounters(day: string, now: Date): Promise<number> {
    return this.#database.em().nativeUpdate(BotStateEntity, { tradingDay: { $lt: day } }, { tradingDay: day, tradesToday: 0, realizedProfitToday: '0', updatedAt: now });
  }
}
