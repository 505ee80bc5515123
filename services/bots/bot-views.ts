/** How bots and their history look on the wire: ISO times, decimal strings for money. */
import { Decimal } from '../../libs/domain/decimal.ts';
import { averageEntryPrice, equity, unrealizedProfit, type Position } from '../../libs/domain/position.ts';
import type { BotRow } from '../../libs/db/bot.repository.ts';
import { riskRecordOf, riskSettingsFromRecord } from '../../libs/risk/risk-settings.ts';
import type { BotStateRow, DecisionRow, FillRow, OrderRow, PositionRow } from '../../libs/db/history.repository.ts';

/** Trims trailing zeros Postgres adds to numeric(38,18) values: "100.500000000000000000" -> "100.5". */
export function money(value: string): string;
export function money(value: string | null): string | null;
export function money(value: string | null): string | null {
  return value === null ? null : new Decimal(value).toFixed();
}

export function botView(bot: BotRow) {
  return {
    id: bot.id,
    name: bot.name,
    exchange: bot.exchange,
    marketSource: bot.marketSource,
    market: bot.market,
    timeframe: bot.timeframe,
    strategy: { name: bot.strategyName, params: bot.strategyParams },
    risk: riskRecordOf(riskSettingsFromRecord(bot.risk)),
    quoteBalance: money(bot.initialBalance),
    exchangeAccountId: bot.exchangeAccountId ?? null,
    stopPolicy: bot.stopPolicy,
    status: bot.status,
    statusReason: bot.statusReason ?? null,
    createdAt: bot.createdAt.toISOString(),
    updatedAt: bot.updatedAt.toISOString(),
  };
}

export function decisionView(row: DecisionRow) {
  return {
    candleTime: row.candleTime.toISOString(),
    signal: row.signal,
    price: money(row.price ?? null),
    indicators: row.indicators,
    outcome: row.outcome,
    reason: row.reason,
    orderId: row.orderId ?? null,
    recordedAt: row.createdAt.toISOString(),
  };
}

export function orderView(row: OrderRow) {
  return {
    id: row.id,
    clientOrderId: row.clientOrderId,
    market: row.market,
    side: row.side,
    type: row.type,
    quantity: money(row.quantity),
    status: row.status,
    filledQuantity: money(row.filledQuantity),
    averageFillPrice: money(row.averageFillPrice ?? null),
    fee: money(row.fee),
    feeCurrency: row.feeCurrency ?? null,
    referencePrice: money(row.referencePrice),
    candleTime: row.candleTime.toISOString(),
    reason: row.reason,
    statusReason: row.statusReason ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function tradeView(row: FillRow) {
  return {
    id: row.id,
    orderId: row.orderId,
    tradeId: row.tradeId,
    side: row.side,
    price: money(row.price),
    quantity: money(row.quantity),
    fee: money(row.fee),
    feeCurrency: row.feeCurrency,
    realizedProfit: money(row.realizedProfit),
    executedAt: row.executedAt.toISOString(),
  };
}

/** The position marked to the last decided candle's close, with the paper account around it. */
export function positionView(bot: BotRow, row: PositionRow, state: BotStateRow) {
  const position: Position = {
    quantity: new Decimal(row.quantity),
    costBasis: new Decimal(row.costBasis),
    realizedProfit: new Decimal(row.realizedProfit),
    feesPaid: new Decimal(row.feesPaid),
  };
  const lastPrice = row.lastPrice ? new Decimal(row.lastPrice) : undefined;
  const balances = { quote: new Decimal(state.quoteBalance), base: new Decimal(state.baseBalance) };
  const unrealized = lastPrice ? unrealizedProfit(position, lastPrice) : new Decimal(0);
  const accountValue = lastPrice ? equity(balances, lastPrice) : balances.quote;
  return {
    market: row.market,
    quantity: position.quantity.toFixed(),
    averageEntryPrice: averageEntryPrice(position)?.toSignificantDigits(18).toFixed() ?? null,
    costBasis: position.costBasis.toFixed(),
    lastPrice: lastPrice?.toFixed() ?? null,
    unrealizedProfit: unrealized.toFixed(),
    realizedProfit: position.realizedProfit.toFixed(),
    feesPaid: position.feesPaid.toFixed(),
    quoteBalance: balances.quote.toFixed(),
    baseBalance: balances.base.toFixed(),
    equity: accountValue.toFixed(),
    initialBalance: money(bot.initialBalance),
    totalProfit: accountValue.sub(bot.initialBalance).toFixed(),
    tradesToday: state.tradesToday,
    realizedProfitToday: money(state.realizedProfitToday),
    lastCandleTime: state.lastCandleTime?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}
