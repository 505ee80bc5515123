/**
 * Candles fetched from an exchange, kept so history is fetched once (DESIGN.md §5). A row
 * with no prices records that the exchange has no candle at that time (a gap in real
 * data), so a gap is not asked for again either. Prices are floats: market data, not money.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const CandleEntity = defineEntity({
  name: 'Candle',
  tableName: 'candles',
  properties: {
    source: p.string().length(64).primary(),
    market: p.string().length(32).primary(),
    timeframe: p.string().length(8).primary(),
    /** Open time, Unix milliseconds UTC. */
    openTime: p.bigint('number').primary(),
    open: p.double().nullable(),
    high: p.double().nullable(),
    low: p.double().nullable(),
    close: p.double().nullable(),
    volume: p.double().nullable(),
    fetchedAt: p.datetime(),
  },
});
