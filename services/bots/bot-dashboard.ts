/**
 * The bots actions behind the web UI's fleet and chart views: every bot of the caller with
 * its position, profit and latest decision in one call, and a bot's chart (candles, the
 * strategy's indicator lines, entry and exit markers, equity). Thin: ownership is checked
 * first, the series come from libs/trading/chart-series.ts.
 */
import type { Context } from 'moleculer';
import { ACTION } from '../../libs/contracts/actions.ts';
import type { BotRepository, BotRow } from '../../libs/db/bot.repository.ts';
import type { FleetRepository } from '../../libs/db/fleet.repository.ts';
import type { PositionRow } from '../../libs/db/history.repository.ts';
import type { Candle } from '../../libs/domain/candle.ts';
import { Decimal } from '../../libs/domain/decimal.ts';
import { unrealizedProfit } from '../../libs/domain/position.ts';
import { timeframeMs } from '../../libs/domain/timeframe.ts';
import type { MarketData } from '../../libs/market/market-data.ts';
import { historyNeeded } from '../../libs/strategies/indicators.ts';
import { findStrategy, resolveParams } from '../../libs/strategies/registry.ts';
import { equityCurve, fillMarkers, indicatorLines, type ChartFill } from '../../libs/trading/chart-series.ts';
import { callerOf, type CallerMeta } from '../shared/caller.ts';
import { notFound } from '../shared/errors.ts';
import { botView, money } from './bot-views.ts';

export interface BotDashboardDeps {
  readonly bots: BotRepository;
  readonly fleet: FleetRepository;
  readonly marketData: MarketData;
}

/** Candles a chart shows when the caller does not say. */
const DEFAULT_CHART_CANDLES = 300;
export const MAX_CHART_CANDLES = 2_000;
/** Filled orders drawn at most (the newest window of a very active bot). */
const MAX_CHART_FILLS = 5_000;

export const chartParams = {
  $$strict: true,
  id: { type: 'uuid', description: 'Bot id.' },
  candles: { type: 'number', integer: true, min: 10, max: MAX_CHART_CANDLES, optional: true, convert: true, description: `Candles up to the last decided one (default ${DEFAULT_CHART_CANDLES}, at most ${MAX_CHART_CANDLES}).` },
};

const chartCandle = (candle: Candle) => ({ time: candle.openTime, open: candle.open, high: candle.high, low: candle.low, close: candle.close, volume: candle.volume });

function fleetPosition(position: PositionRow | undefined) {
  if (!position) return null;
  const quantity = new Decimal(position.quantity);
  const lastPrice = position.lastPrice ? new Decimal(position.lastPrice) : undefined;
  const unrealized = lastPrice
    ? unrealizedProfit({ quantity, costBasis: new Decimal(position.costBasis), realizedProfit: new Decimal(position.realizedProfit), feesPaid: new Decimal(position.feesPaid) }, lastPrice)
    : new Decimal(0);
  return {
    quantity: quantity.toFixed(),
    lastPrice: lastPrice?.toFixed() ?? null,
    realizedProfit: money(position.realizedProfit),
    unrealizedProfit: unrealized.toFixed(),
  };
}

export function botDashboardActions(deps: BotDashboardDeps) {
  async function ownedBot(userId: string, botId: string): Promise<BotRow> {
    const bot = await deps.bots.findOwned(userId, botId);
    if (!bot) throw notFound('bot');
    return bot;
  }

  return {
    [ACTION.bots.fleet]: {
      params: { $$strict: true },
      async handler(ctx: Context<object, CallerMeta>) {
        const bots = await deps.bots.listOwned(callerOf(ctx).id, 1_000);
        const rows = await deps.fleet.overview(bots.map((bot) => bot.id));
        return {
          items: bots.map((bot) => {
            const state = rows.states.get(bot.id);
            const position = rows.positions.get(bot.id);
            const latest = rows.latestDecisions.get(bot.id);
            const lastPrice = position?.lastPrice ? new Decimal(position.lastPrice) : undefined;
            const equity = state ? new Decimal(state.quoteBalance).add(lastPrice ? new Decimal(state.baseBalance).mul(lastPrice) : 0) : undefined;
            return {
              ...botView(bot),
              position: fleetPosition(position),
              equity: equity?.toFixed() ?? null,
              totalProfit: equity?.sub(bot.initialBalance).toFixed() ?? null,
              lastDecision: latest
                ? { candleTime: latest.candleTime.toISOString(), signal: latest.signal, outcome: latest.outcome, reason: latest.reason, recordedAt: latest.createdAt.toISOString() }
                : null,
            };
          }),
        };
      },
    },
    [ACTION.bots.chart]: {
      params: chartParams,
      async handler(ctx: Context<{ id: string; candles?: number }, CallerMeta>) {
        const bot = await ownedBot(callerOf(ctx).id, ctx.params.id);
        const state = await deps.fleet.state(bot.id);
        const base = { market: bot.market, timeframe: bot.timeframe, marketSource: bot.marketSource };
        const source = deps.marketData.source(bot.marketSource);
        const strategy = findStrategy(bot.strategyName);
        if (!state?.lastCandleTime || !source || !strategy) return { ...base, candles: [], indicators: [], markers: [], equity: [] };
        const params = resolveParams(strategy, bot.strategyParams);
        const specs = params.kind === 'valid' ? strategy.indicators(params.params) : {};
        const step = timeframeMs(bot.timeframe);
        const last = state.lastCandleTime.getTime();
        const first = last - ((ctx.params.candles ?? DEFAULT_CHART_CANDLES) - 1) * step;
        const warmup = Math.max(0, ...Object.values(specs).map(historyNeeded));
        // Straight from the source, not the shared trading cache: a chart must not evict what live bots read.
        const history = await source.candles(bot.market, bot.timeframe, first - warmup * step, last);
        const visible = history.filter((candle) => candle.openTime >= first);
        const orders = await deps.fleet.filledOrders(bot.id, new Date(first), MAX_CHART_FILLS);
        const fills: ChartFill[] = orders.map((order) => ({
          candleTime: order.candleTime.getTime(), side: order.side, quantity: order.filledQuantity, price: order.averageFillPrice, fee: order.fee, realizedProfit: order.realizedProfit,
        }));
        return {
          ...base,
          candles: visible.map(chartCandle),
          indicators: indicatorLines(history, specs, first),
          markers: fillMarkers(fills),
          equity: equityCurve(visible, fills, { quote: state.quoteBalance, base: state.baseBalance }),
        };
      },
    },
  };
}
