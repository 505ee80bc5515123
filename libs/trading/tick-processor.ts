/**
 * Turns a tick (a candle of the bot's market closed) into recorded decisions: for every
 * candle from the one after the last decided up to the tick's, in order, so a candle is
 * never skipped (after a restart the missed ones are decided first) and never decided
 * twice (the fence in Postgres refuses a second write). Only the newest candle may place
 * an order: a candle decided late, while catching up, is recorded but not traded.
 *
 * Framework-free: the strategy service supplies the ports (database, market data, risk,
 * order publishing) and the tests supply their own.
 */
import { decimalFromPrice } from '../domain/decimal.ts';
import { clientOrderIdFor } from '../domain/order.ts';
import { isScheduled } from '../domain/bot-lifecycle.ts';
import { timeframeMs } from '../domain/timeframe.ts';
import type { CandleRecord, NewOrder, RecordResult, TradingContext } from '../db/trading.repository.ts';
import type { MarketData } from '../market/market-data.ts';
import type { RiskVerdict } from '../risk/pre-trade-check.ts';
import { riskSettingsFromRecord } from '../risk/risk-settings.ts';
import { findStrategy, resolveParams } from '../strategies/registry.ts';
import type { StrategyDefinition } from '../strategies/strategy.ts';
import type { OrderIntent } from '../domain/order.ts';
import { recordedIndicatorValues } from '../strategies/indicators.ts';
import { decideOnCandle, deniedReason, NO_DATA_REASON, positionInputs } from './candle-decision.ts';

/** Most candles decided in one transaction while catching up; the fence moves per batch. */
export const CATCH_UP_BATCH = 500;

export interface TickPorts {
  loadContext(botId: string): Promise<TradingContext | undefined>;
  recordCandles(botId: string, expectedLast: number | null, resumeFrom: number, records: readonly CandleRecord[], market: string, now: Date): Promise<RecordResult>;
  readonly marketData: MarketData;
  /** Asks risk to approve and size an intent at `price`. */
  approve(botId: string, intent: OrderIntent, price: string, candleTime: number): Promise<RiskVerdict>;
  /** Hands a committed order to execution. */
  publishOrder(botId: string, orderId: string): Promise<void>;
  /** Stops a bot whose strategy cannot go on, with the reason. */
  failBot(botId: string, reason: string): Promise<void>;
  /** Tells the lease holder the handler is still busy (long catch-ups). */
  working(): void;
  now(): Date;
  newId(): string;
  /** Strategy lookup; the catalog unless a test brings its own. */
  findStrategy?: (name: string) => StrategyDefinition | undefined;
}

export interface TickOutcome {
  /** Owner of the bot, for the events that tell the owner's browser. */
  readonly userId: string;
  readonly decided: number;
  readonly orders: readonly string[];
  readonly records: readonly CandleRecord[];
  /** Why nothing was decided, when nothing was. */
  readonly skipped?: 'not-scheduled' | 'already-decided' | 'fenced' | 'unknown-bot' | 'strategy-failed' | 'orders-open';
}

export interface TickOptions {
  /**
   * Decide nothing while an earlier order of the bot is still open (outcome 'orders-open'),
   * so the caller can retry the tick once the order has settled: a decision then sees the
   * position the order produced, as in a backtest, where an order fills before the next
   * candle. Without it (the caller's last try), the candle is decided on the position as
   * it stands and risk denies any new order while one is open.
   */
  readonly waitForOpenOrders?: boolean;
}

export async function processTick(botId: string, candleTime: number, ports: TickPorts, options: TickOptions = {}): Promise<TickOutcome> {
  const context = await ports.loadContext(botId);
  if (!context) return { userId: '', decided: 0, orders: [], records: [], skipped: 'unknown-bot' };
  const { bot, state } = context;
  if (!isScheduled(bot.status)) return { userId: bot.userId, decided: 0, orders: [], records: [], skipped: 'not-scheduled' };
  const step = timeframeMs(bot.timeframe);
  const lastDecided = state.lastCandleTime ? state.lastCandleTime.getTime() : null;
  const resumeFrom = state.resumeFrom ? state.resumeFrom.getTime() : candleTime;
  const first = Math.max(lastDecided === null ? resumeFrom : lastDecided + step, resumeFrom);
  if (first > candleTime) return { userId: bot.userId, decided: 0, orders: [], records: [], skipped: 'already-decided' };
  if (options.waitForOpenOrders === true && context.openOrders > 0) return { userId: bot.userId, decided: 0, orders: [], records: [], skipped: 'orders-open' };

  const strategy = (ports.findStrategy ?? findStrategy)(bot.strategyName);
  const params = strategy ? resolveParams(strategy, bot.strategyParams) : undefined;
  if (!strategy || !params || params.kind === 'invalid') {
    await ports.failBot(botId, strategy ? `strategy parameters no longer valid: ${params?.kind === 'invalid' ? params.message : ''}` : `strategy ${bot.strategyName} no longer exists`);
    return { userId: bot.userId, decided: 0, orders: [], records: [], skipped: 'strategy-failed' };
  }
  const risk = riskSettingsFromRecord(bot.risk);
  const specs = strategy.indicators(params.params);
  const { position, exits } = positionInputs(context.position, risk);
  // Highest close since entry, followed candle by candle for the trailing stop (emulated on candle close).
  let peakPrice = exits !== undefined && risk.trailingStopPercent !== null ? (context.peakPrice ?? exits.entryPrice.toNumber()) : undefined;

  const allRecords: CandleRecord[] = [];
  const orders: string[] = [];
  let expectedLast = lastDecided;
  for (let batchStart = first; batchStart <= candleTime; batchStart += CATCH_UP_BATCH * step) {
    const batchEnd = Math.min(candleTime, batchStart + (CATCH_UP_BATCH - 1) * step);
    const candles = await ports.marketData.candles(bot.marketSource, bot.market, bot.timeframe, batchStart, batchEnd);
    const byTime = new Map(candles.map((candle) => [candle.openTime, candle]));
    const records: CandleRecord[] = [];
    for (let time = batchStart; time <= batchEnd; time += step) {
      const candle = byTime.get(time);
      if (!candle) {
        records.push({ candleTime: time, signal: 'hold', price: null, indicators: {}, outcome: 'no-data', reason: NO_DATA_REASON, order: undefined });
        continue;
      }
      const readings = await ports.marketData.readings(bot.marketSource, bot.market, bot.timeframe, specs, time);
      let decision;
      try {
        decision = decideOnCandle({ strategy, params: params.params, candle, indicators: readings, position, exits, peakPrice });
      } catch (error) {
        const reason = `strategy ${strategy.name} failed on candle ${new Date(time).toISOString()}: ${(error as Error).message}`;
        await ports.failBot(botId, reason);
        return { userId: bot.userId, decided: allRecords.length, orders, records: allRecords, skipped: 'strategy-failed' };
      }
      if (peakPrice !== undefined && candle.close > peakPrice) peakPrice = candle.close;
      const price = decimalFromPrice(candle.close);
      const base = { candleTime: time, signal: decision.signal, price, indicators: recordedIndicatorValues(specs, readings) };
      if (!decision.intent) {
        records.push({ ...base, outcome: 'hold', reason: decision.reason, order: undefined });
      } else if (time < candleTime) {
        records.push({ ...base, outcome: 'skipped', reason: `${decision.intent.reason}; not traded: candle decided late while catching up`, order: undefined });
      } else {
        const verdict = await ports.approve(botId, decision.intent, price.toFixed(), time);
        if (verdict.kind === 'denied') {
          records.push({ ...base, outcome: 'denied', reason: deniedReason(decision.intent, verdict), order: undefined });
        } else {
          const order: NewOrder = {
            id: ports.newId(),
            clientOrderId: clientOrderIdFor(botId, time, decision.intent.side),
            side: decision.intent.side,
            quantity: verdict.quantity,
            referencePrice: price,
            reason: decision.intent.reason,
          };
          records.push({ ...base, outcome: 'ordered', reason: decision.intent.reason, order });
        }
      }
    }
    const result = await ports.recordCandles(botId, expectedLast, resumeFrom, records, bot.market, ports.now());
    if (result === 'fenced') return { userId: bot.userId, decided: allRecords.length, orders, records: allRecords, skipped: 'fenced' };
    allRecords.push(...records);
    for (const record of records) if (record.order) orders.push(record.order.id);
    expectedLast = records.at(-1)?.candleTime ?? expectedLast;
    ports.working();
  }
  for (const orderId of orders) await ports.publishOrder(botId, orderId);
  return { userId: bot.userId, decided: allRecords.length, orders, records: allRecords };
}
