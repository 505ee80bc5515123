/**
 * Reads for the web UI's fleet and chart views: every bot's position, account and latest
 * decision in three queries whatever the fleet's size, and a bot's filled orders over a
 * time window. Callers pass only bots they have checked belong to the caller.
 */
import { Decimal } from '../domain/decimal.ts';
import type { Database } from './database.ts';
import { BotStateEntity } from './entities/bot-state.entity.ts';
import { FillEntity } from './entities/fill.entity.ts';
import { OrderEntity } from './entities/order.entity.ts';
import { PositionEntity } from './entities/position.entity.ts';
import type { BotStateRow, PositionRow } from './history.repository.ts';

export interface LatestDecision {
  readonly botId: string;
  readonly candleTime: Date;
  readonly signal: string;
  readonly outcome: string;
  readonly reason: string;
  readonly createdAt: Date;
}

export interface FleetRows {
  readonly positions: ReadonlyMap<string, PositionRow>;
  readonly states: ReadonlyMap<string, BotStateRow>;
  readonly latestDecisions: ReadonlyMap<string, LatestDecision>;
}

/** A filled (or partly filled) order with the profit its fills realized. */
export interface FilledOrderRow {
  readonly candleTime: Date;
  readonly side: 'buy' | 'sell';
  readonly filledQuantity: string;
  readonly averageFillPrice: string;
  readonly fee: string;
  readonly realizedProfit: string | null;
}

interface LatestDecisionRecord {
  bot_id: string;
  candle_time: Date | string;
  signal: string;
  outcome: string;
  reason: string;
  created_at: Date | string;
}

export class FleetRepository {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async overview(botIds: readonly string[]): Promise<FleetRows> {
    if (botIds.length === 0) return { positions: new Map(), states: new Map(), latestDecisions: new Map() };
    const em = this.#database.em();
    const ids = [...botIds];
    const [positions, states, decisions] = await Promise.all([
      em.find(PositionEntity, { botId: { $in: ids } }),
      em.find(BotStateEntity, { botId: { $in: ids } }),
      // One row per bot, its newest candle, from the (bot_id, candle_time) unique index.
      em.getConnection().execute<LatestDecisionRecord[]>(
        `select distinct on (bot_id) bot_id, candle_time, signal, outcome, reason, created_at
           from decisions where bot_id in (${ids.map(() => '?').join(', ')})
          order by bot_id, candle_time desc`,
        ids,
      ),
    ]);
    return {
      positions: new Map(positions.map((row) => [row.botId, row])),
      states: new Map(states.map((row) => [row.botId, row])),
      latestDecisions: new Map(
        decisions.map((row) => [
          row.bot_id,
          { botId: row.bot_id, candleTime: new Date(row.candle_time), signal: row.signal, outcome: row.outcome, reason: row.reason, createdAt: new Date(row.created_at) },
        ]),
      ),
    };
  }

  async state(botId: string): Promise<BotStateRow | null> {
    return this.#database.em().findOne(BotStateEntity, { botId });
  }

  /** Orders of `botId` decided on candles from `from` on that filled at least in part, oldest first. */
  async filledOrders(botId: string, from: Date, limit: number): Promise<FilledOrderRow[]> {
    const em = this.#database.em();
    const orders = await em.find(
      OrderEntity,
      { botId, candleTime: { $gte: from }, filledQuantity: { $gt: '0' } },
      { orderBy: { candleTime: 'asc', id: 'asc' }, limit },
    );
    const fills = orders.length === 0 ? [] : await em.find(FillEntity, { orderId: { $in: orders.map((order) => order.id) } });
    const profitByOrder = new Map<string, Decimal>();
    for (const fill of fills) profitByOrder.set(fill.orderId, (profitByOrder.get(fill.orderId) ?? new Decimal(0)).add(fill.realizedProfit));
    return orders.map((order) => ({
      candleTime: order.candleTime,
      side: order.side,
      filledQuantity: order.filledQuantity,
      averageFillPrice: order.averageFillPrice ?? order.referencePrice,
      fee: order.fee,
      realizedProfit: profitByOrder.get(order.id)?.toFixed() ?? null,
    }));
  }
}
