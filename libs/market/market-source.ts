/**
 * Where candles come from: the simulated market, the replay of candle files, and live
 * exchanges' public candles through ccxt. Every source answers the same questions so the scheduler,
 * the strategy service and the backtest never care which one a bot uses.
 */
import type { Candle } from '../domain/candle.ts';
import type { Timeframe } from '../domain/timeframe.ts';

/** How the time of a market advances. */
export type MarketClockSpec =
  /** Real wall-clock time: live markets. */
  | { readonly kind: 'wall' }
  /**
   * Virtual time that starts at `startTime` and runs `speed` times faster than real time,
   * stopping at `endTime` if given (a replayed file ends).
   */
  | { readonly kind: 'accelerated'; readonly startTime: number; readonly speed: number; readonly endTime?: number };

export interface MarketSource {
  /** Name a bot's `marketSource` field uses: "simulated", "replay". */
  readonly id: string;
  /** Whether `symbol` can be traded on this source. */
  hasMarket(symbol: string): boolean;
  /** Markets worth listing to a user (a simulated source can serve more than it lists). */
  listMarkets(): readonly string[];
  /** Whether candles of `timeframe` exist for `symbol`. */
  supportsTimeframe(symbol: string, timeframe: Timeframe): boolean;
  /**
   * Candles whose open time lies in [from, to], oldest first. A candle missing from real
   * data (a gap) is simply absent; callers detect and report gaps.
   */
  candles(symbol: string, timeframe: Timeframe, from: number, to: number): Promise<readonly Candle[]>;
  /** How time advances on `symbol`'s market. */
  clock(symbol: string): MarketClockSpec;
  /**
   * Loads what `hasMarket` and `listMarkets` need to answer exactly, when the source must
   * ask someone (a ccxt exchange's market list, over the network). Sources that know
   * their markets leave it out.
   */
  prepare?(): Promise<void>;
}
