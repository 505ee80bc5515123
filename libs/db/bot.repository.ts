/**
 * Bots and their lifecycle. Every read and write of a user's bot is scoped by the owner's
 * id, so another user's bot is indistinguishable from one that does not exist.
 * Lifecycle commands lock the bot row, so racing commands are applied one after another.
 */
import { LockMode, type InferEntity } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { transition, type BotCommand, type BotStatus } from '../domain/bot-lifecycle.ts';
import { Decimal } from '../domain/decimal.ts';
import type { Timeframe } from '../domain/timeframe.ts';
import type { StopPolicy } from '../execution/stop-policy.ts';
import type { RiskSettingsRecord } from '../risk/risk-settings.ts';
import type { Database } from './database.ts';
import { BotEntity } from './entities/bot.entity.ts';
import { BotStateEntity } from './entities/bot-state.entity.ts';
import { PositionEntity } from './entities/position.entity.ts';
import { UserEntity } from './entities/user.entity.ts';

export type BotRow = InferEntity<typeof BotEntity>;

/** Everything a user chooses about a bot. */
export interface BotConfiguration {
  readonly name: string;
  readonly exchange: string;
  readonly marketSource: string;
  readonly market: string;
  readonly timeframe: Timeframe;
  readonly strategyName: string;
  readonly strategyParams: Record<string, number>;
  readonly risk: RiskSettingsRecord;
  readonly initialBalance: string;
  /** The owner's exchange account (null: paper trading). */
  readonly exchangeAccountId: string | null;
  readonly stopPolicy: StopPolicy;
}

/** A lifecycle command the bot's state does not allow; the reason is for the user (409). */
export class LifecycleRefusedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'LifecycleRefusedError';
  }
}

export class BotNotFoundError extends Error {
  constructor() {
    super('bot not found');
    this.name = 'BotNotFoundError';
  }
}

/** A running or paused bot, as the scheduler needs it. */
export interface ScheduledBot {
  readonly id: string;
  readonly marketSource: string;
  readonly market: string;
  readonly timeframe: Timeframe;
}

/**
 * A new market or starting balance restarts the paper account; refused while the bot still
 * holds a position, which would otherwise be stranded in the old market.
 */
async function resetAccountIfChanged(em: SqlEntityManager, bot: BotRow, before: { market: string; initialBalance: string }): Promise<void> {
  const marketChanged = bot.market !== before.market;
  const balanceChanged = !new Decimal(bot.initialBalance).eq(before.initialBalance);
  if (!marketChanged && !balanceChanged) return;
  const position = await em.findOneOrFail(PositionEntity, { botId: bot.id });
  if (!new Decimal(position.quantity).isZero()) {
    throw new LifecycleRefusedError(`the bot holds ${position.quantity} of ${before.market}: sell it before changing market or balance`);
  }
  const state = await em.findOneOrFail(BotStateEntity, { botId: bot.id });
  state.quoteBalance = bot.initialBalance;
  state.baseBalance = '0';
  position.market = bot.market;
}

export class BotRepository {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  /** Creates the bot with its trading state and a flat position, in one transaction. */
  async create(userId: string, id: string, configuration: BotConfiguration, now: Date): Promise<BotRow> {
    return this.#database.em().transactional(async (em) => {
      const bot = em.create(BotEntity, { id, userId, ...configuration, status: 'created', statusReason: null, createdAt: now, updatedAt: now });
      // Entities carry plain foreign-key columns, so the unit of work cannot order inserts: the bot goes first.
      await em.flush();
      em.create(BotStateEntity, {
        botId: id, sequence: 0, lastCandleTime: null, resumeFrom: null,
        quoteBalance: configuration.initialBalance, baseBalance: '0',
        tradingDay: null, tradesToday: 0, realizedProfitToday: '0', updatedAt: now,
      });
      em.create(PositionEntity, { botId: id, market: configuration.market, quantity: '0', costBasis: '0', realizedProfit: '0', feesPaid: '0', lastPrice: null, peakPrice: null, updatedAt: now });
      return bot;
    });
  }

  async findOwned(userId: string, botId: string): Promise<BotRow | null> {
    return this.#database.em().findOne(BotEntity, { id: botId, userId, status: { $ne: 'deleted' } });
  }

  /** The user's bots, oldest first (a fleet is short enough to list whole; the cap guards abuse). */
  async listOwned(userId: string, limit: number): Promise<BotRow[]> {
    return this.#database.em().find(BotEntity, { userId, status: { $ne: 'deleted' } }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit });
  }

  /**
   * Bots across every user, for operators: optionally one owner's (by email) or one
   * status, oldest first, each with its owner's email.
   */
  async listForOperator(filter: { ownerEmail?: string | undefined; status?: string | undefined }, limit: number): Promise<(BotRow & { ownerEmail: string })[]> {
    const em = this.#database.em();
    const owner = filter.ownerEmail === undefined ? undefined : await em.findOne(UserEntity, { email: filter.ownerEmail.toLowerCase() });
    if (filter.ownerEmail !== undefined && !owner) return [];
    const bots = await em.find(
      BotEntity,
      { status: filter.status === undefined ? { $ne: 'deleted' as BotStatus } : (filter.status as BotStatus), ...(owner ? { userId: owner.id } : {}) },
      { orderBy: { createdAt: 'asc', id: 'asc' }, limit },
    );
    const owners = new Map((await em.find(UserEntity, { id: { $in: [...new Set(bots.map((bot) => bot.userId))] } })).map((user) => [user.id, user.email]));
    return bots.map((bot) => Object.assign(bot, { ownerEmail: owners.get(bot.userId) ?? '?' }));
  }

  /** Any user's bot by id (operators), null when missing or deleted. */
  async findAny(botId: string): Promise<BotRow | null> {
    return this.#database.em().findOne(BotEntity, { id: botId, status: { $ne: 'deleted' } });
  }
  /**
   * Runs lifecycle `command` on the user's bot under a row lock; `change` may edit the bot
   * in the same transaction (reconfigure). Throws BotNotFoundError or LifecycleRefusedError.
   */
  async applyCommand(userId: string | undefined, botId: string, command: BotCommand, now: Date, options: { reason?: string; change?: (bot: BotRow, em: SqlEntityManager) => void } = {}): Promise<BotRow> {
    return this.#database.em().transactional(async (em) => {
      const where = userId === undefined ? { id: botId } : { id: botId, userId };
      const bot = await em.findOne(BotEntity, where, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!bot || bot.status === 'deleted') throw new BotNotFoundError();
      const result = transition(bot.status, command);
      if (result.kind === 'refused') throw new LifecycleRefusedError(result.reason);
      const before = { market: bot.market, initialBalance: bot.initialBalance };
      options.change?.(bot, em);
      bot.status = result.next;
      bot.statusReason = options.reason ?? null;
      bot.updatedAt = now;
      if (command === 'start') {
        // A (re)started bot decides from the next candle on, not on candles missed while stopped.
        await em.nativeUpdate(BotStateEntity, { botId }, { resumeFrom: null, updatedAt: now });
      }
      if (command === 'reconfigure') await resetAccountIfChanged(em, bot, before);
      return bot;
    });
  }

  /** Renames a bot (allowed in any state but deleted). */
  async rename(userId: string, botId: string, name: string, now: Date): Promise<BotRow> {
    return this.#database.em().transactional(async (em) => {
      const bot = await em.findOne(BotEntity, { id: botId, userId, status: { $ne: 'deleted' } }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!bot) throw new BotNotFoundError();
      bot.name = name;
      bot.updatedAt = now;
      return bot;
    });
  }

  /** Running and paused bots, optionally of one market source. */
  async scheduled(marketSource?: string): Promise<ScheduledBot[]> {
    const rows = await this.#database.em().find(
      BotEntity,
      { status: { $in: ['running', 'paused'] satisfies BotStatus[] }, ...(marketSource ? { marketSource } : {}) },
      { fields: ['id', 'marketSource', 'market', 'timeframe'] },
    );
    return rows.map((row) => ({ id: row.id, marketSource: row.marketSource, market: row.market, timeframe: row.timeframe }));
  }
}
