/**
 * Per-bot counters that restart every UTC day (trades, realized profit). Rolled lazily
 * whenever a candle or fill of a new day is processed, so the reset is exact even when the
 * scheduler's midnight sweep runs late or not at all (backtests).
 */
import { Decimal, ZERO } from '../domain/decimal.ts';
import { utcDay } from '../domain/timeframe.ts';

export interface DailyCounters {
  readonly tradingDay: string | null;
  readonly tradesToday: number;
  readonly realizedProfitToday: Decimal;
}

/** Counters as of `time`: unchanged on the same UTC day, zeroed on a later one. */
export function rollTradingDay(counters: DailyCounters, time: number): DailyCounters {
  const day = utcDay(time);
  if (counters.tradingDay !== null && counters.tradingDay >= day) return counters;
  return { tradingDay: day, tradesToday: 0, realizedProfitToday: ZERO };
}

/** Counters after a fill realized `profit` at `time`. */
export function countFill(counters: DailyCounters, time: number, profit: Decimal): DailyCounters {
  const rolled = rollTradingDay(counters, time);
  return { tradingDay: rolled.tradingDay, tradesToday: rolled.tradesToday + 1, realizedProfitToday: rolled.realizedProfitToday.add(profit) };
}
