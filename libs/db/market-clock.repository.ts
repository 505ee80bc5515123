/**
 * Shared anchors of accelerated market clocks. Every scheduler replica computes virtual
 * time from the same anchor, so they agree on which candle has closed; a clock whose last
 * heartbeat is stale (the platform was down) is re-anchored at its last virtual time, so
 * it resumes where it stopped instead of jumping over the downtime.
 */
import type { InferEntity } from '@mikro-orm/core';
import { LockMode } from '@mikro-orm/core';
import type { ClockAnchor } from '../platform/clock.ts';
import type { Database } from './database.ts';
import { MarketClockEntity } from './entities/market-clock.entity.ts';

export type MarketClockRow = InferEntity<typeof MarketClockEntity>;

export class MarketClockRepository {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  /**
   * The anchor of clock `clockId`: created at `startTime` if new; re-anchored at the last
   * heartbeat's virtual time if no heartbeat came within `staleAfterMs` of `realNow`.
   */
  async anchor(clockId: string, startTime: number, speed: number, realNow: number, staleAfterMs: number): Promise<ClockAnchor> {
    // Several scheduler replicas may create a clock at the same moment: one insert wins, the others read it.
    const created = await this.#database.em().getConnection().execute<{ affectedRows: number }>(
      `insert into market_clocks (clock_id, anchor_virtual_time, anchor_real_time, speed, heartbeat_virtual_time, heartbeat_real_time)
       values (?, ?, ?, ?, ?, ?) on conflict (clock_id) do nothing`,
      [clockId, startTime, realNow, speed, startTime, realNow],
      'run',
    );
    if (created.affectedRows === 1) return { virtualTime: startTime, realTime: realNow };
    return this.#database.em().transactional(async (em) => {
      const row = await em.findOneOrFail(MarketClockEntity, { clockId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (realNow - row.heartbeatRealTime > staleAfterMs || row.speed !== speed) {
        row.anchorVirtualTime = row.heartbeatVirtualTime;
        row.anchorRealTime = realNow;
        row.speed = speed;
        row.heartbeatRealTime = realNow;
      }
      return { virtualTime: row.anchorVirtualTime, realTime: row.anchorRealTime };
    });
  }

  /** Records that a scheduler saw virtual time `virtualTime` at real time `realNow`. */
  async heartbeat(clockId: string, virtualTime: number, realNow: number): Promise<void> {
    await this.#database.em().nativeUpdate(MarketClockEntity, { clockId, heartbeatVirtualTime: { $lte: virtualTime } }, { heartbeatVirtualTime: virtualTime, heartbeatRealTime: realNow });
  }

  async list(): Promise<MarketClockRow[]> {
    return this.#database.em().find(MarketClockEntity, {}, { orderBy: { clockId: 'asc' } });
  }
}
