/**
 * Reads of a bot's history for the API: decisions, orders, fills and position, newest
 * first with keyset pagination. Callers check ownership of the bot first.
 */
import type { InferEntity } from '@mikro-orm/core';
import type { Database } from './database.ts';
import { BotStateEntity } from './entities/bot-state.entity.ts';
import { DecisionEntity } from './entities/decision.entity.ts';
import { FillEntity } from './entities/fill.entity.ts';
import { OrderEntity } from './entities/order.entity.ts';
import { PositionEntity } from './entities/position.entity.ts';
import { olderThan, toPage, type Page, type PageRequest } from './pagination.ts';

export type DecisionRow = InferEntity<typeof DecisionEntity>;
export type OrderRow = InferEntity<typeof OrderEntity>;
export type FillRow = InferEntity<typeof FillEntity>;
export type PositionRow = InferEntity<typeof PositionEntity>;
export type BotStateRow = InferEntity<typeof BotStateEntity>;

export class HistoryRepository {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  async decisions<T>(botId: string, page: PageRequest, view: (row: DecisionRow) => T): Promise<Page<T>> {
    const rows = await this.#database.em().find(
      DecisionEntity,
      { botId, ...olderThan('candleTime', page.cursor) },
      { orderBy: { candleTime: 'desc', id: 'desc' }, limit: page.limit + 1 },
    );
    return toPage(rows, page.limit, (row) => ({ time: row.candleTime, id: row.id }), view);
  }

  async orders<T>(botId: string, page: PageRequest, view: (row: OrderRow) => T): Promise<Page<T>> {
    const rows = await this.#database.em().find(
      OrderEntity,
      { botId, ...olderThan('createdAt', page.cursor) },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: page.limit + 1 },
    );
    return toPage(rows, page.limit, (row) => ({ time: row.createdAt, id: row.id }), view);
  }

  async fills<T>(botId: string, page: PageRequest, view: (row: FillRow) => T): Promise<Page<T>> {
    const rows = await this.#database.em().find(
      FillEntity,
      { botId, ...olderThan('executedAt', page.cursor) },
      { orderBy: { executedAt: 'desc', id: 'desc' }, limit: page.limit + 1 },
    );
    return toPage(rows, page.limit, (row) => ({ time: row.executedAt, id: row.id }), view);
  }

  async position(botId: string): Promise<{ position: PositionRow; state: BotStateRow } | undefined> {
    const em = this.#database.em();
    const [position, state] = await Promise.all([em.findOne(PositionEntity, { botId }), em.findOne(BotStateEntity, { botId })]);
    return position && state ? { position, state } : undefined;
  }

  /** The latest decision of each bot, for fleet views. */
  async lastDecision(botId: string): Promise<DecisionRow | null> {
    return this.#database.em().findOne(DecisionEntity, { botId }, { orderBy: { candleTime: 'desc' } });
  }
}
