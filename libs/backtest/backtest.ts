/**
 * The backtest engine: replays candles through the very code live trading runs — the
 * strategy's `decide` through `decideOnCandle`, risk's `approveIntent`, the paper
 * exchange's `paperMarketFill` and the position's `applyFill`, with the indicators of the
 * same trading-signals calculators — and keeps the account, the fills, the round-trip
 * trades and the equity after every candle. There is no second model of orders or
 * positions here: only the loop that live trading spreads over a scheduler, a bus and a
 * database.
 *
 * Conditions, the same as a live bot's when every candle gets its tick: a decision is
 * made on each closed candle, an order is a market order filled at that candle's close
 * moved by the slippage, with the fee, before the next candle is decided. Time is the
 * candles': nothing here reads a clock, so a rerun is identical.
 *
 * Synchronous and allocation-free on a candle where nothing trades (no awaits, no
 * decimals): decimal arithmetic happens only when an order is asked for.
 */
import type { Candle } from '../domain/candle.ts';
import { Decimal, decimalFromPrice, ZERO } from '../domain/decimal.ts';
import type { OrderSide } from '../domain/order.ts';
import { applyFill, FLAT_POSITION, isOpen, type Balances, type Position } from '../domain/position.ts';
import { timeframeMs, type Timeframe } from '../domain/timeframe.ts';
import { paperMarketFill, type PaperFillModel } from '../exchange/paper/paper-exchange.ts';
import { approveIntent, DEFAULT_QUANTITY_DECIMALS, nextPeak } from '../risk/pre-trade-check.ts';
import type { RiskSettings } from '../risk/risk-settings.ts';
import { recordedIndicatorValues, type IndicatorReading, type IndicatorValue } from '../strategies/indicators.ts';
import type { Signal, StrategyDefinition, StrategyParams } from '../strategies/strategy.ts';
import { decideOnCandle, deniedReason, NO_DATA_REASON, positionInputs, type CandleDecisionInput } from '../trading/candle-decision.ts';
import { IndicatorSeriesCache, type IndicatorSeries } from './indicator-series.ts';

export interface BacktestSettings {
  readonly strategy: StrategyDefinition;
  /** Resolved parameters (see resolveParams). */
  readonly params: StrategyParams;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly initialBalance: Decimal;
  readonly risk: RiskSettings;
  readonly fillModel: PaperFillModel;
  /**
   * Open time from which candles are decided; earlier candles only warm the indicators
   * up, as the history before a live bot's first candle does. Default: the first candle.
   */
  readonly tradeFrom?: number;
  /** Keep every decision, as a live bot's decision log would hold them (off: only fills and trades). */
  readonly recordDecisions?: boolean;
  readonly quantityDecimals?: number;
}

export interface BacktestHooks {
  /** Called every PROGRESS_INTERVAL candles and once at the end, with candles decided and to decide. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Indicator series of these candles, shared by several runs (a sweep); one is made if absent. */
  readonly indicators?: IndicatorSeriesCache;
}

/** Candles between two progress reports. */
export const PROGRESS_INTERVAL = 4_096;

export type BacktestOutcome = 'hold' | 'ordered' | 'denied' | 'no-data';

/** One decided candle, worded as the live decision log words it. */
export interface BacktestDecision {
  readonly candleTime: number;
  readonly signal: Signal;
  readonly outcome: BacktestOutcome;
  readonly reason: string;
  readonly price: Decimal | null;
  readonly indicators: Readonly<Record<string, number | null>>;
}

export interface BacktestFill {
  readonly candleTime: number;
  readonly side: OrderSide;
  readonly price: Decimal;
  readonly quantity: Decimal;
  readonly fee: Decimal;
  readonly realizedProfit: Decimal;
  readonly reason: string;
}

/** A round trip: from the first buy out of a flat position until the position is flat again. */
export interface BacktestTrade {
  readonly entryTime: number;
  /** Undefined while the trade is still open at the end of the data. */
  readonly exitTime: number | undefined;
  /** Buys in the trade (more than one when the strategy scales in). */
  readonly entries: number;
  readonly quantity: Decimal;
  /** Quote spent on the buys, fees included. */
  readonly cost: Decimal;
  /** Quote received from the sells, after fees. */
  readonly proceeds: Decimal;
  /** Profit realized by the sells. */
  readonly profit: Decimal;
}

export interface BacktestRun {
  readonly settings: BacktestSettings;
  /** The candles, including the warm-up ones before `firstIndex`. */
  readonly candles: readonly Candle[];
  /** Index in `candles` of the first decided candle. */
  readonly firstIndex: number;
  /** Account value in quote currency at each decided candle's close (float, for metrics and charts). */
  readonly equity: Float64Array;
  /** Decided candles with an open position at their close. */
  readonly candlesInPosition: number;
  readonly fills: readonly BacktestFill[];
  readonly trades: readonly BacktestTrade[];
  readonly decisions: readonly BacktestDecision[] | undefined;
  /** Runs of missing candles among the decided ones. */
  readonly gaps: { readonly gapCount: number; readonly missingCandles: number };
  readonly position: Position;
  readonly balances: Balances;
}

/** A backtest that cannot run on what it was given, saying what is wrong. */
export class BacktestInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestInputError';
  }
}

interface MutableReading {
  current: IndicatorValue | undefined;
  previous: IndicatorValue | undefined;
}

interface OpenTrade {
  entryTime: number;
  entries: number;
  quantity: Decimal;
  cost: Decimal;
  proceeds: Decimal;
  profit: Decimal;
}

type MutableDecisionInput = { -readonly [K in keyof CandleDecisionInput]: CandleDecisionInput[K] };

function firstIndexAtOrAfter(candles: readonly Candle[], time: number): number {
  let low = 0;
  let high = candles.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (candles[middle]!.openTime < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Runs `settings` over `candles` (oldest first, on the timeframe's grid, gaps allowed). */
export function runBacktest(candles: readonly Candle[], settings: BacktestSettings, hooks: BacktestHooks = {}): BacktestRun {
  const step = timeframeMs(settings.timeframe);
  const firstIndex = settings.tradeFrom === undefined ? 0 : firstIndexAtOrAfter(candles, settings.tradeFrom);
  if (candles.length === 0 || firstIndex >= candles.length) throw new BacktestInputError('no candles to decide: the data is empty or ends before the first candle to trade');
  const total = candles.length - firstIndex;
  const cache = hooks.indicators ?? new IndicatorSeriesCache(candles);
  if (cache.candles !== candles) throw new BacktestInputError('the indicator cache belongs to other candles');

  const specs = settings.strategy.indicators(settings.params);
  const names = Object.keys(specs);
  const series: IndicatorSeries[] = names.map((name) => cache.series(specs[name]!));
  const readings: MutableReading[] = names.map(() => ({ current: undefined, previous: undefined }));
  const readingsByName = Object.fromEntries(names.map((name, index) => [name, readings[index]!])) as Record<string, IndicatorReading<IndicatorValue>>;

  let position: Position = FLAT_POSITION;
  let balances: Balances = { quote: settings.initialBalance, base: ZERO };
  let quote = balances.quote.toNumber();
  let base = 0;
  const flat = positionInputs(position, settings.risk);
  const input: MutableDecisionInput = {
    strategy: settings.strategy, params: settings.params, candle: candles[firstIndex]!, indicators: readingsByName, position: flat.position, exits: flat.exits,
  };
  const { feeRate, slippageRate } = settings.fillModel;
  const trailing = settings.risk.trailingStopPercent !== null;
  const decimals = settings.quantityDecimals ?? DEFAULT_QUANTITY_DECIMALS;
  const record = settings.recordDecisions === true;
  const decisions: BacktestDecision[] | undefined = record ? [] : undefined;
  const fills: BacktestFill[] = [];
  const trades: BacktestTrade[] = [];
  let trade: OpenTrade | undefined;
  const equity = new Float64Array(total);
  let candlesInPosition = 0;
  let gapCount = 0;
  let missingCandles = 0;
  const onProgress = hooks.onProgress;

  for (let index = 0; index < candles.length; index += 1) {
    const candle = candles[index]!;
    for (let which = 0; which < readings.length; which += 1) {
      const reading = readings[which]!;
      const values = series[which]!;
      reading.previous = reading.current;
      if (values.kind === 'numbers') {
        const value = values.values[index]!;
        reading.current = value === value ? value : undefined;
      } else {
        reading.current = values.values[index];
      }
    }
    if (index < firstIndex) continue;

    if (index > firstIndex) {
      const missing = (candle.openTime - candles[index - 1]!.openTime) / step - 1;
      if (missing > 0) {
        gapCount += 1;
        missingCandles += missing;
        if (decisions) {
          for (let time = candles[index - 1]!.openTime + step; time < candle.openTime; time += step) {
            decisions.push({ candleTime: time, signal: 'hold', outcome: 'no-data', reason: NO_DATA_REASON, price: null, indicators: {} });
          }
        }
      }
    }

    input.candle = candle;
    const decision = decideOnCandle(input);
    const heldBefore = input.exits !== undefined;
    const intent = decision.intent;
    if (intent === undefined) {
      decisions?.push({ candleTime: candle.openTime, signal: decision.signal, outcome: 'hold', reason: decision.reason, price: decimalFromPrice(candle.close), indicators: recordedIndicatorValues(specs, readingsByName) });
    } else {
      const price = decimalFromPrice(candle.close);
      const verdict = approveIntent(intent, settings.risk, { position, balances, price, feeRate, slippageRate, openOrders: 0, entriesAllowed: true, quantityDecimals: decimals });
      if (verdict.kind === 'denied') {
        decisions?.push({ candleTime: candle.openTime, signal: decision.signal, outcome: 'denied', reason: deniedReason(intent, verdict), price, indicators: recordedIndicatorValues(specs, readingsByName) });
      } else {
        const fill = paperMarketFill(
          { clientOrderId: `backtest-${candle.openTime}-${intent.side}`, symbol: settings.symbol, side: intent.side, type: 'market', quantity: verdict.quantity, referencePrice: price, requestedAt: candle.openTime },
          settings.fillModel,
        );
        const wasOpen = isOpen(position);
        const effect = applyFill(position, balances, fill);
        position = effect.position;
        balances = effect.balances;
        quote = balances.quote.toNumber();
        base = balances.base.toNumber();
        const inputs = positionInputs(position, settings.risk);
        input.position = inputs.position;
        input.exits = inputs.exits;
        if (inputs.exits === undefined) input.peakPrice = undefined;
        else if (trailing) input.peakPrice = nextPeak(input.peakPrice, inputs.exits.entryPrice.toNumber(), candle.close);
        fills.push({ candleTime: candle.openTime, side: fill.side, price: fill.price, quantity: fill.quantity, fee: fill.fee, realizedProfit: effect.realizedProfit, reason: intent.reason });
        const notional = fill.price.mul(fill.quantity);
        if (fill.side === 'buy') {
          if (!wasOpen || trade === undefined) trade = { entryTime: candle.openTime, entries: 0, quantity: ZERO, cost: ZERO, proceeds: ZERO, profit: ZERO };
          trade.entries += 1;
          trade.quantity = trade.quantity.add(fill.quantity);
          trade.cost = trade.cost.add(notional).add(fill.fee);
        } else if (trade !== undefined) {
          trade.proceeds = trade.proceeds.add(notional).sub(fill.fee);
          trade.profit = trade.profit.add(effect.realizedProfit);
          if (!isOpen(position)) {
            trades.push({ ...trade, exitTime: candle.openTime });
            trade = undefined;
          }
        }
        decisions?.push({ candleTime: candle.openTime, signal: decision.signal, outcome: 'ordered', reason: intent.reason, price, indicators: recordedIndicatorValues(specs, readingsByName) });
      }
    }
    // The trailing stop follows the highest close since entry, as the live tick processor does.
    if (trailing && heldBefore && input.exits !== undefined && input.peakPrice !== undefined && candle.close > input.peakPrice) input.peakPrice = candle.close;
    const decided = index - firstIndex;
    equity[decided] = base === 0 ? quote : quote + base * candle.close;
    if (base !== 0) candlesInPosition += 1;
    if (onProgress !== undefined && (decided + 1) % PROGRESS_INTERVAL === 0) onProgress(decided + 1, total);
  }
  if (trade !== undefined) trades.push({ ...trade, exitTime: undefined });
  onProgress?.(total, total);
  return { settings, candles, firstIndex, equity, candlesInPosition, fills, trades, decisions, gaps: { gapCount, missingCandles }, position, balances };
}
