/**
 * The bots service: a user's bots, their configuration and lifecycle, and reads of their
 * history. Thin: validates, calls the repositories and pure lifecycle rules, maps views.
 */
import { randomUUID } from 'node:crypto';
import type { Context, ServiceSchema } from 'moleculer';
import { ACTION, SERVICES } from '../../libs/contracts/actions.ts';
import { EVENTS, type BotChangedEvent } from '../../libs/contracts/events.ts';
import { isDecimalString, Decimal } from '../../libs/domain/decimal.ts';
import type { BotCommand } from '../../libs/domain/bot-lifecycle.ts';
import type { Timeframe } from '../../libs/domain/timeframe.ts';
import { BotNotFoundError, LifecycleRefusedError, type BotConfiguration, type BotRepository, type BotRow } from '../../libs/db/bot.repository.ts';
import type { FleetRepository } from '../../libs/db/fleet.repository.ts';
import type { HistoryRepository } from '../../libs/db/history.repository.ts';
import { InvalidCursorError } from '../../libs/db/pagination.ts';
import type { TradingRepository } from '../../libs/db/trading.repository.ts';
import type { MarketData } from '../../libs/market/market-data.ts';
import type { Clock } from '../../libs/platform/clock.ts';
import { DEFAULT_RISK, riskRecordOf, riskSettingsFromRecord, type RiskSettingsRecord } from '../../libs/risk/risk-settings.ts';
import { DEFAULT_STOP_POLICY, type StopPolicy } from '../../libs/execution/stop-policy.ts';
import type { ExchangeAccountRepository } from '../../libs/db/exchange-account.repository.ts';
import { resolveStrategyParams } from '../../libs/strategies/registry.ts';
import { assertAdmin, callerOf, type CallerMeta } from '../shared/caller.ts';
import { conflict, invalidField, notFound, unavailable } from '../shared/errors.ts';
import { botIdParams, createBotParams, listBotsParams, MAXIMUM_AMOUNT, pageParams, updateBotParams } from './bot-schemas.ts';
import { botDashboardActions } from './bot-dashboard.ts';
import { botView, decisionView, orderView, positionView, tradeView } from './bot-views.ts';

export interface BotsServiceDeps {
  readonly bots: BotRepository;
  readonly history: HistoryRepository;
  readonly fleet: FleetRepository;
  readonly trading: TradingRepository;
  readonly marketData: MarketData;
  readonly clock: Clock;
  readonly newId: () => string;
  /** Exchange accounts (undefined: disabled); a bot may use only its owner's. */
  readonly accounts?: ExchangeAccountRepository | undefined;
}

const DEFAULT_SOURCE = 'simulated';
const DEFAULT_TIMEFRAME: Timeframe = '1m';
const DEFAULT_BALANCE = '1000';
const DEFAULT_PAGE = 50;

interface BotInput {
  name?: string;
  exchange?: string;
  marketSource?: string;
  market?: string;
  timeframe?: Timeframe;
  strategy?: { name: string; params?: Record<string, unknown> };
  risk?: Partial<RiskSettingsRecord>;
  quoteBalance?: string;
  stopPolicy?: StopPolicy;
  exchangeAccountId?: string | null;
}

type BotContext<P> = Context<P, CallerMeta>;

export function createBotsService(deps: BotsServiceDeps): ServiceSchema {
  const now = () => new Date(deps.clock.now());

  function positiveAmount(field: string, value: string): string {
    if (!isDecimalString(value) || new Decimal(value).lte(0)) throw invalidField(field, `${field} must be greater than 0`);
    if (new Decimal(value).gt(MAXIMUM_AMOUNT)) throw invalidField(field, `${field} must be at most ${MAXIMUM_AMOUNT}`);
    return new Decimal(value).toFixed();
  }

  /** The exchange a bot's account trades on: paper for null, the owner's account's exchange, or a 422 naming the field. */
  async function venueOf(userId: string, input: BotInput, current?: BotRow): Promise<{ exchange: string; exchangeAccountId: string | null }> {
    if (input.exchangeAccountId === undefined) return { exchange: current?.exchange ?? input.exchange ?? 'paper', exchangeAccountId: current?.exchangeAccountId ?? null };
    if (input.exchangeAccountId === null) return { exchange: 'paper', exchangeAccountId: null };
    const account = await deps.accounts?.findOwned(userId, input.exchangeAccountId);
    if (!account) throw invalidField('exchangeAccountId', 'no exchange account of yours has this id (see GET /api/exchange-accounts)');
    return { exchange: account.exchange, exchangeAccountId: account.id };
  }

  /** Resolves and checks a full configuration: market on its source, strategy parameters, risk. */
  function configure(input: BotInput, current?: BotRow, venue?: { exchange: string; exchangeAccountId: string | null }): BotConfiguration {
    const marketSource = input.marketSource ?? current?.marketSource ?? DEFAULT_SOURCE;
    const market = input.market ?? current?.market;
    const timeframe = input.timeframe ?? current?.timeframe ?? DEFAULT_TIMEFRAME;
    const source = deps.marketData.source(marketSource);
    if (!source) throw invalidField('marketSource', `unknown market source ${JSON.stringify(marketSource)}; available: ${deps.marketData.sources().map((s) => s.id).join(', ')}`);
    if (market === undefined) throw invalidField('market', 'market is required');
    if (!source.hasMarket(market)) throw invalidField('market', `market ${market} is not available on ${marketSource}; try one of ${source.listMarkets().slice(0, 10).join(', ')}`);
    if (!source.supportsTimeframe(market, timeframe)) throw invalidField('timeframe', `${market} on ${marketSource} has no ${timeframe} candles`);
    const strategyName = input.strategy?.name ?? current?.strategyName;
    if (strategyName === undefined) throw invalidField('strategy.name', 'strategy.name is required');
    const givenParams = input.strategy ? (input.strategy.params ?? {}) : (current?.strategyParams ?? {});
    const params = resolveStrategyParams(strategyName, givenParams);
    if (params.kind === 'invalid') throw invalidField(params.field, params.message);
    const baseRisk = riskRecordOf(riskSettingsFromRecord(current?.risk ?? DEFAULT_RISK));
    const given = Object.fromEntries(Object.entries(input.risk ?? {}).filter(([, value]) => value !== undefined)) as Partial<RiskSettingsRecord>;
    const risk: RiskSettingsRecord = {
      ...baseRisk,
      ...given,
      stakeAmount: given.stakeAmount !== undefined ? positiveAmount('risk.stakeAmount', given.stakeAmount) : baseRisk.stakeAmount,
      maxPositionAmount: given.maxPositionAmount !== undefined ? positiveAmount('risk.maxPositionAmount', given.maxPositionAmount) : baseRisk.maxPositionAmount,
      protections: { ...baseRisk.protections, ...given.protections },
    };
    if (risk.sizingMode === 'percent-risked' && risk.stopLossPercent === null) throw invalidField('risk.sizingMode', 'percent-risked sizing needs a stop-loss: set risk.stopLossPercent');
    return {
      name: input.name ?? current?.name ?? '',
      exchange: venue?.exchange ?? input.exchange ?? current?.exchange ?? 'paper',
      marketSource,
      market,
      timeframe,
      strategyName,
      strategyParams: { ...params.params },
      risk,
      initialBalance: input.quoteBalance !== undefined ? positiveAmount('quoteBalance', input.quoteBalance) : (current?.initialBalance ?? DEFAULT_BALANCE),
      exchangeAccountId: venue ? venue.exchangeAccountId : (current?.exchangeAccountId ?? null),
      stopPolicy: input.stopPolicy ?? current?.stopPolicy ?? DEFAULT_STOP_POLICY,
    };
  }

  /** Lets a source that must ask someone for its market list (a ccxt exchange) load it before a bot is checked against it. */
  async function prepareSource(sourceId: string): Promise<void> {
    const source = deps.marketData.source(sourceId);
    if (!source?.prepare) return;
    try {
      await source.prepare();
    } catch (error) {
      throw unavailable(`market source ${sourceId} cannot be reached right now (${error instanceof Error ? error.message : String(error)}); try again shortly`);
    }
  }

  async function ownedBot(userId: string, botId: string): Promise<BotRow> {
    const bot = await deps.bots.findOwned(userId, botId);
    if (!bot) throw notFound('bot');
    return bot;
  }

  /** Maps repository failures to client errors: a missing bot is 404, a refused command 409. */
  async function lifecycle<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof BotNotFoundError) throw notFound('bot');
      if (error instanceof LifecycleRefusedError) throw conflict(error.message);
      throw error;
    }
  }

  async function page<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof InvalidCursorError) throw invalidField('cursor', error.message);
      throw error;
    }
  }

  function announce(ctx: Context, bot: BotRow): void {
    const event: BotChangedEvent = { changeId: randomUUID(), botId: bot.id, userId: bot.userId, status: bot.status };
    void ctx.broadcast(EVENTS.botChanged, event);
  }

  function command(name: BotCommand) {
    return {
      params: botIdParams,
      async handler(ctx: BotContext<{ id: string }>) {
        const caller = callerOf(ctx);
        const bot = await lifecycle(() => deps.bots.applyCommand(caller.id, ctx.params.id, name, now()));
        announce(ctx, bot);
        return botView(bot);
      },
    };
  }

  /** A lifecycle command another service applies with a reason (no caller; a refused one changes nothing). */
  function internalCommand(name: 'fail' | 'pause', message: string) {
    return {
      visibility: 'public' as const,
      params: { botId: 'uuid', reason: { type: 'string', max: 2000 } },
      async handler(this: { logger: { warn(details: object, text: string): void } }, ctx: Context<{ botId: string; reason: string }>) {
        try {
          const bot = await deps.bots.applyCommand(undefined, ctx.params.botId, name, now(), { reason: ctx.params.reason });
          this.logger.warn({ botId: bot.id, reason: ctx.params.reason }, message);
          announce(ctx, bot);
          return { status: bot.status };
        } catch (error) {
          if (error instanceof LifecycleRefusedError || error instanceof BotNotFoundError) return { status: 'unchanged' };
          throw error;
        }
      },
    };
  }

  return {
    name: SERVICES.bots,
    actions: {
      [ACTION.bots.create]: {
        params: createBotParams,
        async handler(ctx: BotContext<BotInput & { name: string }>) {
          const caller = callerOf(ctx);
          await prepareSource(ctx.params.marketSource ?? DEFAULT_SOURCE);
          const configuration = configure(ctx.params, undefined, await venueOf(caller.id, ctx.params));
          const bot = await deps.bots.create(caller.id, deps.newId(), configuration, now());
          announce(ctx, bot);
          return botView(bot);
        },
      },
      [ACTION.bots.get]: {
        params: botIdParams,
        async handler(ctx: BotContext<{ id: string }>) {
          return botView(await ownedBot(callerOf(ctx).id, ctx.params.id));
        },
      },
      [ACTION.bots.list]: {
        params: listBotsParams,
        async handler(ctx: BotContext<{ limit?: number }>) {
          const bots = await deps.bots.listOwned(callerOf(ctx).id, ctx.params.limit ?? 1000);
          return { items: bots.map(botView) };
        },
      },
      [ACTION.bots.update]: {
        params: updateBotParams,
        async handler(ctx: BotContext<BotInput & { id: string }>) {
          const caller = callerOf(ctx);
          const { id, name, ...changes } = ctx.params;
          const current = await ownedBot(caller.id, id);
          const reconfigures = Object.values(changes).some((value) => value !== undefined);
          if (!reconfigures) {
            if (name === undefined) throw invalidField('name', 'nothing to update: give at least one field');
            const renamed = await lifecycle(() => deps.bots.rename(caller.id, id, name, now()));
            announce(ctx, renamed);
            return botView(renamed);
          }
          await prepareSource(ctx.params.marketSource ?? current.marketSource);
          const configuration = configure({ ...ctx.params, name: name ?? current.name }, current, await venueOf(caller.id, ctx.params, current));
          const bot = await lifecycle(() =>
            deps.bots.applyCommand(caller.id, id, 'reconfigure', now(), {
              change: (row) => Object.assign(row, configuration),
            }),
          );
          announce(ctx, bot);
          return botView(bot);
        },
      },
      [ACTION.bots.remove]: {
        params: botIdParams,
        async handler(ctx: BotContext<{ id: string }>) {
          const caller = callerOf(ctx);
          const bot = await lifecycle(() => deps.bots.applyCommand(caller.id, ctx.params.id, 'delete', now()));
          announce(ctx, bot);
          return { id: bot.id, deleted: true };
        },
      },
      // Operators' actions (the REPL): every user's bots. Mesh-only (never routed by the
      // gateway); a call carrying a user must come from an admin.
      [ACTION.bots.operatorList]: {
        visibility: 'public',
        params: {
          $$strict: true,
          ownerEmail: { type: 'email', max: 254, optional: true },
          status: { type: 'enum', values: ['created', 'running', 'paused', 'stopped', 'error'], optional: true },
          limit: { type: 'number', integer: true, min: 1, max: 10_000, optional: true, convert: true },
        },
        async handler(ctx: BotContext<{ ownerEmail?: string; status?: string; limit?: number }>) {
          if (ctx.meta.user) assertAdmin(ctx);
          const bots = await deps.bots.listForOperator({ ownerEmail: ctx.params.ownerEmail, status: ctx.params.status }, ctx.params.limit ?? 200);
          return { items: bots.map((bot) => ({ ...botView(bot), userId: bot.userId, ownerEmail: bot.ownerEmail })) };
        },
      },
      [ACTION.bots.operatorShow]: {
        visibility: 'public',
        params: { $$strict: true, id: { type: 'uuid' }, decisions: { type: 'number', integer: true, min: 1, max: 100, optional: true, convert: true } },
        async handler(ctx: BotContext<{ id: string; decisions?: number }>) {
          if (ctx.meta.user) assertAdmin(ctx);
          const bot = await deps.bots.findAny(ctx.params.id);
          if (!bot) throw notFound('bot');
          const decisions = await deps.history.decisions(bot.id, { limit: ctx.params.decisions ?? 10 }, decisionView);
          return { bot: { ...botView(bot), userId: bot.userId }, decisions: decisions.items };
        },
      },
      [ACTION.bots.operatorCommand]: {
        visibility: 'public',
        params: { $$strict: true, id: { type: 'uuid' }, command: { type: 'enum', values: ['pause', 'start', 'stop'] }, reason: { type: 'string', min: 3, max: 200 } },
        async handler(ctx: BotContext<{ id: string; command: 'pause' | 'start' | 'stop'; reason: string }>) {
          if (ctx.meta.user) assertAdmin(ctx);
          const bot = await lifecycle(() => deps.bots.applyCommand(undefined, ctx.params.id, ctx.params.command, now(), { reason: `operator: ${ctx.params.reason}` }));
          this.logger.info({ botId: bot.id, userId: bot.userId, command: ctx.params.command, requestId: ctx.meta.requestId }, 'operator changed a bot');
          announce(ctx, bot);
          return botView(bot);
        },
      },
      [ACTION.bots.start]: command('start'),
      [ACTION.bots.stop]: command('stop'),
      [ACTION.bots.pause]: command('pause'),
      [ACTION.bots.decisions]: {
        params: pageParams,
        async handler(ctx: BotContext<{ id: string; limit?: number; cursor?: string }>) {
          const bot = await ownedBot(callerOf(ctx).id, ctx.params.id);
          return page(() => deps.history.decisions(bot.id, { limit: ctx.params.limit ?? DEFAULT_PAGE, cursor: ctx.params.cursor }, decisionView));
        },
      },
      [ACTION.bots.orders]: {
        params: pageParams,
        async handler(ctx: BotContext<{ id: string; limit?: number; cursor?: string }>) {
          const bot = await ownedBot(callerOf(ctx).id, ctx.params.id);
          return page(() => deps.history.orders(bot.id, { limit: ctx.params.limit ?? DEFAULT_PAGE, cursor: ctx.params.cursor }, orderView));
        },
      },
      [ACTION.bots.trades]: {
        params: pageParams,
        async handler(ctx: BotContext<{ id: string; limit?: number; cursor?: string }>) {
          const bot = await ownedBot(callerOf(ctx).id, ctx.params.id);
          return page(() => deps.history.fills(bot.id, { limit: ctx.params.limit ?? DEFAULT_PAGE, cursor: ctx.params.cursor }, tradeView));
        },
      },
      [ACTION.bots.position]: {
        params: botIdParams,
        async handler(ctx: BotContext<{ id: string }>) {
          const bot = await ownedBot(callerOf(ctx).id, ctx.params.id);
          const found = await deps.history.position(bot.id);
          if (!found) throw notFound('position');
          return positionView(bot, found.position, found.state);
        },
      },
      ...botDashboardActions(deps),
      [ACTION.bots.markets]: {
        async handler() {
          // Sources that must ask for their market list (ccxt exchanges, configured on purpose) load it first; one that cannot be reached lists none.
          await Promise.all(deps.marketData.sources().map((source) => source.prepare?.().catch(() => undefined)));
          return {
            items: deps.marketData.sources().map((source) => ({ source: source.id, markets: source.listMarkets() })),
          };
        },
      },
      // Internal actions: called by other services, never routed by the gateway.
      [ACTION.bots.scheduled]: {
        visibility: 'public',
        params: { marketSource: { type: 'string', optional: true } },
        async handler(ctx: Context<{ marketSource?: string }>) {
          return deps.bots.scheduled(ctx.params.marketSource);
        },
      },
      [ACTION.bots.markFailed]: internalCommand('fail', 'bot stopped with an error'),
      [ACTION.bots.markPaused]: internalCommand('pause', 'bot paused: it cannot go on'),
      [ACTION.bots.dailyReset]: {
        visibility: 'public',
        params: { day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
        async handler(ctx: Context<{ day: string }>) {
          const reset = await deps.trading.resetDailyCounters(ctx.params.day, now());
          this.logger.info({ day: ctx.params.day, bots: reset }, 'daily counters reset');
          return { reset };
        },
      },
    },
  };
}
