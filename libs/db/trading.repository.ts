/**
 * The writes of trading: decisions (fenced per bot), orders (intent first) and fills with
 * their effect on position and balances. Each effect commits in one transaction with the
 * fence that makes it happen at most once, so a redelivered message or a zombie replica
 * cannot apply it again (DESIGN.md §4).
 */
import { LockMode, type InferEntity } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { Decimal } from '../domain/decimal.ts';
import type { Fill, OrderSide, OrderStatus } from '../domain/order.ts';
import { applyFill, averageEntryPrice, type Balances, type Position } from '../domain/position.ts';
import { countFill, type DailyCounters } from '../risk/daily-counters.ts';
import { utcDay } from '../domain/timeframe.ts';
import { splitSymbol } from '../domain/candle.ts';
import { accountingFill } from '../execution/fill-accounting.ts';
import { statusFromReport, transition } from '../execution/order-state-machine.ts';
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

/** What an exchange said about an order: any of status, exchange id, fills. */
export interface OrderReportUpdate {
  readonly exchangeOrderId?: string | null;
  readonly status?: OrderStatus;
  readonly fills: readonly Fill[];
  /** Filled quantity the exchange reports: a cancel that lost the race to a fill ends filled. */
  readonly filledQuantity?: Decimal;
  readonly statusReason?: string;
}

export interface ReportApplied {
  readonly applied: boolean;
  readonly fills: { fill: Fill; realizedProfit: Decimal }[];
  readonly from: OrderStatus | undefined;
  readonly to: OrderStatus | undefined;
  /** Why the reported status was not taken (the state machine refused it). */
  readonly refused?: string;
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

/** One bot's decided candles for `recordDecisionBatch`: the arguments of `recordCandles`, without orders. */
export interface DecisionBatchEntry {
  readonly botId: string;
  readonly expectedLast: number | null;
  readonly resumeFrom: number;
  readonly records: readonly CandleRecord[];
}

export class TradingRepository {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async loadContext(botId: string): Promise<TradingContext | undefined> {
    return loadContext(this.#database.em(), botId);
  }

  /** `loadContext` for many bots in four queries (one per table), in the order of `botIds`. */
  async loadContexts(botIds: readonly string[]): Promise<(TradingContext | undefined)[]> {
    const em = this.#database.em();
    const ids = [...new Set(botIds)];
    const [bots, states, positions, open] = await Promise.all([
      em.find(BotEntity, { id: { $in: ids } }),
      em.find(BotStateEntity, { botId: { $in: ids } }),
      em.find(PositionEntity, { botId: { $in: ids } }),
      em.getConnection().execute<{ bot_id: string; open: string | number }[]>(
        `select bot_id, count(*) as open from orders where bot_id in (${ids.map(() => '?').join(', ')}) and status in (${OPEN_STATUSES.map(() => '?').join(', ')}) group by bot_id`,
        [...ids, ...OPEN_STATUSES],
      ),
    ]);
    const botById = new Map(bots.map((row) => [row.id, row]));
    const stateById = new Map(states.map((row) => [row.botId, row]));
    const positionById = new Map(positions.map((row) => [row.botId, row]));
    const openById = new Map(open.map((row) => [row.bot_id, Number(row.open)]));
    return botIds.map((botId) => {
      const bot = botById.get(botId);
      const state = stateById.get(botId);
      const position = positionById.get(botId);
      if (!bot || !state || !position) return undefined;
      return {
        bot, state, openOrders: openById.get(botId) ?? 0,
        position: positionFromRow(position),
        peakPrice: position.peakPrice === null || position.peakPrice === undefined ? undefined : Number(position.peakPrice),
        balances: { quote: new Decimal(state.quoteBalance), base: new Decimal(state.baseBalance) },
        counters: countersFromRow(state),
      };
    });
  }

  /**
   * `recordCandles` for many bots at once, for decisions that place no order: one
   * transaction of three set-based statements (fences, decisions, positions). Each bot is
   * fenced on its own: a bot whose fence moved gets 'fenced' and nothing is written for
   * it, the others are recorded. Same effect, row for row, as `recordCandles` per bot.
   */
  async recordDecisionBatch(entries: readonly DecisionBatchEntry[], now: Date): Promise<RecordResult[]> {
    if (entries.some((entry) => entry.records.some((record) => record.order))) throw new Error('recordDecisionBatch records no orders: use recordCandles');
    const live = entries.filter((entry) => entry.records.length > 0);
    if (live.length === 0) return entries.map(() => 'recorded');
    const recorded = await this.#database.em().transactional(async (em) => {
      const connection = em.getConnection();
      const context = em.getTransactionContext();
      // As in recordCandles: decisions without orders do not wait for the WAL flush.
      await connection.execute('set local synchronous_commit = off', [], 'run', context);
      const fences = live.map((entry) => {
        const last = entry.records.at(-1)!.candleTime;
        return {
          bot_id: entry.botId, expected: entry.expectedLast === null ? null : new Date(entry.expectedLast).toISOString(),
          last: new Date(last).toISOString(), resume: new Date(entry.resumeFrom).toISOString(), count: entry.records.length, day: utcDay(last),
        };
      });
      const moved = await connection.execute<{ bot_id: string }[]>(
        `update bot_states s set last_candle_time = v.last, resume_from = coalesce(s.resume_from, v.resume), sequence = s.sequence + v.count, updated_at = ?,
           trades_today = case when s.trading_day is null or s.trading_day < v.day then 0 else s.trades_today end,
           realized_profit_today = case when s.trading_day is null or s.trading_day < v.day then 0 else s.realized_profit_today end,
           trading_day = case when s.trading_day is null or s.trading_day < v.day then v.day else s.trading_day end
         from jsonb_to_recordset(?::jsonb) as v(bot_id uuid, expected timestamptz, last timestamptz, resume timestamptz, count int, day varchar)
         where s.bot_id = v.bot_id and s.last_candle_time is not distinct from v.expected
         returning s.bot_id`,
        [now, JSON.stringify(fences)], 'all', context,
      );
      const ok = new Set(moved.map((row) => row.bot_id));
      const decisions = live.filter((entry) => ok.has(entry.botId)).flatMap((entry) => entry.records.map((record) => ({
        bot_id: entry.botId, candle_time: new Date(record.candleTime).toISOString(), signal: record.signal, price: record.price?.toFixed() ?? null,
        indicators: record.indicators, outcome: record.outcome, reason: record.reason,
      })));
      if (decisions.length > 0) {
        await connection.execute(
          `insert into decisions (bot_id, candle_time, signal, price, indicators, outcome, reason, order_id, created_at)
           select d.bot_id, d.candle_time, d.signal, d.price, d.indicators, d.outcome, d.reason, null, ?
           from jsonb_to_recordset(?::jsonb) as d(bot_id uuid, candle_time timestamptz, signal varchar, price numeric, indicators jsonb, outcome varchar, reason text)`,
          [now, JSON.stringify(decisions)], 'run', context,
        );
      }
      const marks = live.filter((entry) => ok.has(entry.botId)).flatMap((entry) => {
        const lastPriced = entry.records.findLast((record) => record.price !== null);
        if (!lastPriced?.price) return [];
        const highest = entry.records.reduce((high, record) => (record.price !== null && record.price.gt(high) ? record.price : high), lastPriced.price);
        return [{ bot_id: entry.botId, price: lastPriced.price.toFixed(), highest: highest.toFixed() }];
      });
      if (marks.length > 0) {
        await connection.execute(
          `update positions p set last_price = v.price, updated_at = ?,
             peak_price = case when p.quantity > 0 then greatest(coalesce(p.peak_price, 0), v.highest) else p.peak_price end
           from jsonb_to_recordset(?::jsonb) as v(bot_id uuid, price numeric, highest numeric)
           where p.bot_id = v.bot_id`,
          [now, JSON.stringify(marks)], 'run', context,
        );
      }
      return ok;
    });
    return entries.map((entry) => (entry.records.length === 0 || recorded.has(entry.botId) ? 'recorded' : 'fenced'));
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
      // A batch without an order does not wait for the WAL flush: measured, the flush per
      // commit bounded a replica to ~200 ticks/s. Lost only if Postgres itself crashes within
      // a fraction of a second, and then the fence is back too, so the next tick decides
      // the candles again. A batch with an order commits durably (money follows it).
      if (!records.some((record) => record.order)) {
        await em.getConnection().execute('set local synchronous_commit = off', [], 'run', em.getTransactionContext());
      }
      // The fence and the daily counters' roll-over in one statement: the row is locked by it,
      // so a fill recorded by execution at the same moment is neither lost nor counted twice.
      const day = utcDay(last.candleTime);
      const fence = await em.getConnection().execute<{ affectedRows: number; insertId: number }>(
        `update bot_states set last_candle_time = ?, resume_from = coalesce(resume_from, ?), sequence = sequence + ?, updated_at = ?,
           trades_today = case when trading_day is null or trading_day < ? then 0 else trades_today end,
           realized_profit_today = case when trading_day is null or trading_day < ? then 0 else realized_profit_today end,
           trading_day = case when trading_day is null or trading_day < ? then ? else trading_day end
         where bot_id = ? and last_candle_time is not distinct from ?`,
        [new Date(last.candleTime), new Date(resumeFrom), records.length, now, day, day, day, day, botId, expectedLast === null ? null : new Date(expectedLast)],
        'run',
        em.getTransactionContext(),
      );
      if (fence.affectedRows !== 1) return 'fenced';
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
        // The mark price, and the trailing stop's peak: the highest close while a position is held.
        const highest = records.reduce((high, record) => (record.price !== null && record.price.gt(high) ? record.price : high), lastPriced.price);
        await em.getConnection().execute(
          `update positions set last_price = ?, updated_at = ?,
             peak_price = case when quantity > 0 then greatest(coalesce(peak_price, 0), ?) else peak_price end
           where bot_id = ?`,
          [lastPriced.price.toFixed(), now, highest.toFixed(), botId], 'run', em.getTransactionContext(),
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
   * Applies what the exchange reported for an order still pending submission (the paper
   * path): see applyReport. Returns applied false, changing nothing, if the order already
   * left pending_submit (another worker got there first).
   */
  async applySubmission(orderId: string, report: OrderReportUpdate, now: Date): Promise<{ applied: boolean; fills: { fill: Fill; realizedProfit: Decimal }[] }> {
    const result = await this.applyReport(orderId, report, now, { onlyFrom: 'pending_submit' });
    return { applied: result.applied, fills: result.fills };
  }

  /**
   * Applies an exchange's report of an order under a row lock: the status change if the
   * state machine allows it (a refused one is returned, the status kept), and every fill
   * whose trade id the order does not have yet, with its effect on position, balances and
   * daily counters. Fills are facts: they are applied whatever the status does.
   */
  async applyReport(orderId: string, report: OrderReportUpdate, now: Date, options: { onlyFrom?: OrderStatus } = {}): Promise<ReportApplied> {
    return this.#database.em().transactional(async (em) => {
      const order = await em.findOne(OrderEntity, { id: orderId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!order || (options.onlyFrom !== undefined && order.status !== options.onlyFrom)) return { applied: false, fills: [], from: order?.status, to: order?.status };
      const from = order.status;
      let to = from;
      let refused: string | undefined;
      if (report.status !== undefined) {
        const target = report.filledQuantity === undefined ? report.status : statusFromReport(from, report.status, report.filledQuantity, new Decimal(order.quantity));
        const moved = transition(from, target);
        if (moved.kind === 'moved') to = moved.to;
        else if (moved.kind === 'refused') refused = moved.reason;
      }
      order.status = to;
      if (report.exchangeOrderId) order.exchangeOrderId = report.exchangeOrderId;
      if (report.statusReason !== undefined && to !== from) order.statusReason = report.statusReason;
      order.updatedAt = now;
      const known = new Set((await em.find(FillEntity, { orderId }, { fields: ['tradeId'] })).map((row) => row.tradeId));
      const fresh = report.fills.filter((fill) => {
        if (known.has(fill.tradeId)) return false;
        known.add(fill.tradeId);
        return true;
      });
      const state = await em.findOneOrFail(BotStateEntity, { botId: order.botId });
      const positionRow = await em.findOneOrFail(PositionEntity, { botId: order.botId });
      let position = positionFromRow(positionRow);
      let balances: Balances = { quote: new Decimal(state.quoteBalance), base: new Decimal(state.baseBalance) };
      let counters = countersFromRow(state);
      let filled = new Decimal(order.filledQuantity);
      let notional = new Decimal(order.averageFillPrice ?? 0).mul(filled);
      let fee = new Decimal(order.fee);
      const { base, quote } = splitSymbol(order.market);
      const applied: { fill: Fill; realizedProfit: Decimal }[] = [];
      for (const fill of fresh) {
        const effect = applyFill(position, balances, accountingFill(fill, base, quote));
        position = effect.position;
        balances = effect.balances;
        counters = countFill(counters, fill.executedAt, effect.realizedProfit);
        filled = filled.add(fill.quantity);
        notional = notional.add(fill.price.mul(fill.quantity));
        if (order.feeCurrency === null || order.feeCurrency === undefined || order.feeCurrency === fill.feeCurrency) fee = fee.add(fill.fee);
        em.create(FillEntity, {
          id: crypto.randomUUID(), orderId, botId: order.botId, tradeId: fill.tradeId, side: fill.side,
          price: fill.price.toFixed(), quantity: fill.quantity.toFixed(), fee: fill.fee.toFixed(), feeCurrency: fill.feeCurrency,
          realizedProfit: effect.realizedProfit.toFixed(), executedAt: new Date(fill.executedAt), createdAt: now,
        });
        order.feeCurrency ??= fill.feeCurrency;
        applied.push({ fill, realizedProfit: effect.realizedProfit });
      }
      if (applied.length > 0) {
        order.filledQuantity = filled.toFixed();
        order.averageFillPrice = filled.isZero() ? null : notional.div(filled).toDecimalPlaces(18).toFixed();
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
      }
      return { applied: true, fills: applied, from, to, ...(refused !== undefined ? { refused } : {}) };
    });
  }

  /** Counts one more send of a pending order, if it was sent `expectedAttempts` times (only one worker wins). */
  async claimSubmission(orderId: string, expectedAttempts: number, now: Date): Promise<boolean> {
    const moved = await this.#database.em().nativeUpdate(OrderEntity, { id: orderId, status: 'pending_submit', submitAttempts: expectedAttempts }, { submitAttempts: expectedAttempts + 1, updatedAt: now });
    return moved === 1;
  }

  /** Exchange ids of every order placed through `exchangeAccountId`, for telling our trades from others'. */
  async knownExchangeOrderIds(exchangeAccountId: string): Promise<Set<string>> {
    const rows = await this.#database.em().getConnection().execute<{ exchange_order_id: string }[]>(
      'select o.exchange_order_id from orders o join bots b on b.id = o.bot_id where b.exchange_account_id = ? and o.exchange_order_id is not null',
      [exchangeAccountId],
    );
    return new Set(rows.map((row) => row.exchange_order_id));
  }

  /** Orders of live bots that the exchange must be asked about: sent but not settled. */
  async ordersToReconcile(limit = 1_000): Promise<OrderRow[]> {
    const rows = await this.#database.em().getConnection().execute<{ id: string }[]>(
      `select o.id from orders o join bots b on b.id = o.bot_id where b.exchange_account_id is not null
       and (o.status in ('open', 'partially_filled', 'cancel_pending', 'unknown') or (o.status = 'pending_submit' and o.submit_attempts > 0))
       order by o.created_at limit ?`,
      [limit],
    );
    if (rows.length === 0) return [];
    return this.#database.em().find(OrderEntity, { id: { $in: rows.map((row) => row.id) } }, { orderBy: { createdAt: 'asc' } });
  }

  /** Open orders of a bot (to cancel when it stops). */
  async openOrdersOf(botId: string): Promise<OrderRow[]> {
    return this.#database.em().find(OrderEntity, { botId, status: { $in: ['open', 'partially_filled'] } });
  }

  /** Bots trading through an exchange account (not deleted), for reconciliation. */
  async liveBots(): Promise<{ id: string; userId: string; market: string; exchangeAccountId: string; status: string; stopPolicy: string }[]> {
    const rows = await this.#database.em().find(BotEntity, { exchangeAccountId: { $ne: null }, status: { $ne: 'deleted' } }, { fields: ['id', 'userId', 'market', 'exchangeAccountId', 'status', 'stopPolicy'] });
    return rows.map((row) => ({ id: row.id, userId: row.userId, market: row.market, exchangeAccountId: row.exchangeAccountId!, status: row.status, stopPolicy: row.stopPolicy }));
  }

  /** Which of `clientOrderIds` are orders of ours. */
  async knownClientOrderIds(clientOrderIds: readonly string[]): Promise<Set<string>> {
    if (clientOrderIds.length === 0) return new Set();
    const rows = await this.#database.em().find(OrderEntity, { clientOrderId: { $in: [...clientOrderIds] } }, { fields: ['clientOrderId'] });
    return new Set(rows.map((row) => row.clientOrderId));
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
