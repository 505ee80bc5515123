/**
 * Candles fetched from exchanges, kept in Postgres so history is fetched once, by any
 * replica. A time stored without prices is a known gap (the exchange has no candle then).
 */
import type { Candle } from '../domain/candle.ts';
import type { CandleStore } from '../market/ccxt-market.ts';
import type { Database } from './database.ts';

/** Rows per insert statement. */
const INSERT_BATCH = 500;

export class CandleRepository implements CandleStore {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async stored(source: string, market: string, timeframe: string, from: number, to: number): Promise<Map<number, Candle | null>> {
    const rows = await this.#database.em().getConnection().execute<{ open_time: string | number; open: number | null; high: number | null; low: number | null; close: number | null; volume: number | null }[]>(
      `select open_time, open, high, low, close, volume from candles
        where source = ? and market = ? and timeframe = ? and open_time between ? and ? order by open_time`,
      [source, market, timeframe, from, to],
    );
    const known = new Map<number, Candle | null>();
    for (const row of rows) {
      const openTime = Number(row.open_time);
      known.set(openTime, row.open === null || row.high === null || row.low === null || row.close === null || row.volume === null
        ? null
        : { openTime, open: Number(row.open), high: Number(row.high), low: Number(row.low), close: Number(row.close), volume: Number(row.volume) });
    }
    return known;
  }

  async save(source: string, market: string, timeframe: string, candles: readonly Candle[], gaps: readonly number[], fetchedAt: Date): Promise<void> {
    const rows: unknown[][] = [
      ...candles.map((candle) => [source, market, timeframe, candle.openTime, candle.open, candle.high, candle.low, candle.close, candle.volume, fetchedAt]),
      ...gaps.map((openTime) => [source, market, timeframe, openTime, null, null, null, null, null, fetchedAt]),
    ];
    const connection = this.#database.em().getConnection();
    for (let start = 0; start < rows.length; start += INSERT_BATCH) {
      const batch = rows.slice(start, start + INSERT_BATCH);
      // Another replica may have stored the same candles meanwhile: the first write stands.
      await connection.execute(
        `insert into candles (source, market, timeframe, open_time, open, high, low, close, volume, fetched_at)
         values ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         on conflict do nothing`,
        batch.flat(),
      );
    }
  }
}
