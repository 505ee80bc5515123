/**
 * What a price chart of a bot or a backtest draws: candles, the strategy's indicator lines
 * computed by the same calculators the strategy reads, entry and exit markers, and the
 * account's equity at each candle. Chart values are floats (display only); the exact
 * amounts stay in the history endpoints.
 */
import type { Candle } from '../domain/candle.ts';
import { Decimal } from '../domain/decimal.ts';
import type { OrderSide } from '../domain/order.ts';
import { createIndicator, type IndicatorSpec, type IndicatorSpecs } from '../strategies/indicators.ts';

/** Drawn over the candles (same scale as price) or in a pane of its own. */
export type IndicatorPane = 'price' | 'oscillator';

export interface ChartPoint {
  /** Candle open time, epoch milliseconds. */
  readonly time: number;
  readonly value: number;
}

export interface IndicatorLine {
  /** As a decision records it: the indicator's name, or `name.line` for a multi-line one. */
  readonly name: string;
  readonly pane: IndicatorPane;
  readonly points: readonly ChartPoint[];
}

export interface ChartMarker {
  readonly time: number;
  readonly side: OrderSide;
  /** What the marker says: "buy 0.0123 @ 101.5" or a backtest trade's result. */
  readonly text: string;
}

const OVERLAYS: ReadonlySet<IndicatorSpec['kind']> = new Set(['ema', 'sma', 'bollinger']);

/**
 * Lines of every indicator in `specs` over `candles`, fed from the first candle (callers
 * pass enough history before `visibleFrom` for values to be warm) and kept from
 * `visibleFrom` on. A multi-line indicator gives one line per line (`macd.signal`).
 */
export function indicatorLines(candles: readonly Candle[], specs: IndicatorSpecs, visibleFrom: number, sampleTimes?: (time: number) => number | undefined): IndicatorLine[] {
  const lines: IndicatorLine[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const calculator = createIndicator(spec);
    const pane: IndicatorPane = OVERLAYS.has(spec.kind) ? 'price' : 'oscillator';
    const byLine = new Map<string, Map<number, number>>();
    for (const candle of candles) {
      const value = calculator.next(candle.close);
      if (value === undefined || candle.openTime < visibleFrom) continue;
      // A sampled chart (bigger display candles) keeps the value at the last candle inside each.
      const time = sampleTimes ? sampleTimes(candle.openTime) : candle.openTime;
      if (time === undefined) continue;
      const entries: [string, number][] = typeof value === 'number' ? [[name, value]] : Object.entries(value).map(([line, lineValue]) => [`${name}.${line}`, lineValue as number]);
      for (const [lineName, lineValue] of entries) {
        if (!Number.isFinite(lineValue)) continue;
        let points = byLine.get(lineName);
        if (!points) byLine.set(lineName, (points = new Map()));
        points.set(time, lineValue);
      }
    }
    for (const [lineName, points] of byLine) lines.push({ name: lineName, pane, points: [...points].map(([time, value]) => ({ time, value })) });
  }
  return lines;
}

/** A bot's filled order as the chart needs it: when it was decided and what it changed. */
export interface ChartFill {
  /** Open time of the candle the order was decided on (it fills at that candle's close). */
  readonly candleTime: number;
  readonly side: OrderSide;
  readonly quantity: string;
  readonly price: string;
  /** Fee in quote currency. */
  readonly fee: string;
  readonly realizedProfit: string | null;
}

/**
 * Equity (quote + base marked to each candle's close) at every candle, worked backwards
 * from the account as it stands now through the fills after each candle, so the last
 * point is exactly the position endpoint's equity.
 */
export function equityCurve(candles: readonly Candle[], fills: readonly ChartFill[], now: { quote: string; base: string }): ChartPoint[] {
  const ordered = [...fills].sort((a, b) => a.candleTime - b.candleTime);
  let quote = new Decimal(now.quote);
  let base = new Decimal(now.base);
  let next = ordered.length - 1;
  const points: ChartPoint[] = new Array(candles.length);
  for (let index = candles.length - 1; index >= 0; index -= 1) {
    const candle = candles[index]!;
    // Undo the fills decided after this candle: what remains is the account at its close.
    while (next >= 0 && ordered[next]!.candleTime > candle.openTime) {
      const fill = ordered[next]!;
      const notional = new Decimal(fill.price).mul(fill.quantity);
      if (fill.side === 'buy') {
        quote = quote.add(notional).add(fill.fee);
        base = base.sub(fill.quantity);
      } else {
        quote = quote.sub(notional).add(fill.fee);
        base = base.add(fill.quantity);
      }
      next -= 1;
    }
    points[index] = { time: candle.openTime, value: quote.add(base.mul(candle.close)).toNumber() };
  }
  return points;
}

/** One marker per filled order, at the candle it was decided on. */
export function fillMarkers(fills: readonly ChartFill[]): ChartMarker[] {
  return [...fills]
    .sort((a, b) => a.candleTime - b.candleTime)
    .map((fill) => {
      const profit = fill.realizedProfit !== null && fill.side === 'sell' ? ` (${new Decimal(fill.realizedProfit).gte(0) ? '+' : ''}${new Decimal(fill.realizedProfit).toSignificantDigits(4).toFixed()})` : '';
      return { time: fill.candleTime, side: fill.side, text: `${fill.side} ${new Decimal(fill.quantity).toSignificantDigits(6).toFixed()} @ ${new Decimal(fill.price).toSignificantDigits(8).toFixed()}${profit}` };
    });
}

/** The open time of the display candle holding `time`, for charts drawn at a larger timeframe. */
export function displayCandleOf(displayTimes: readonly number[], time: number): number | undefined {
  let low = 0;
  let high = displayTimes.length - 1;
  if (high < 0 || time < displayTimes[0]!) return undefined;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (displayTimes[middle]! <= time) low = middle;
    else high = middle - 1;
  }
  return displayTimes[low];
}
