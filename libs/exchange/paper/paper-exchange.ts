/**
 * The paper exchange: market orders fill at once, at the decision candle's close moved
 * against the trader by the slippage rate, with a fee charged in quote currency.
 * Deterministic, so backtests and paper bots agree fill for fill.
 */
import { Decimal, roundMoney } from '../../domain/decimal.ts';
import { splitSymbol } from '../../domain/candle.ts';
import type { Fill } from '../../domain/order.ts';
import type { ExchangeClient, OrderReport, OrderRequest } from '../exchange-client.ts';

export interface PaperFillModel {
  /** Fee as a fraction of notional, e.g. 0.001 for 0.1%. */
  readonly feeRate: Decimal;
  /** Price moved against the order as a fraction, e.g. 0.0005. */
  readonly slippageRate: Decimal;
}

export const DEFAULT_PAPER_FILL_MODEL: PaperFillModel = { feeRate: new Decimal('0.001'), slippageRate: new Decimal('0.0005') };

/** The single fill a paper market order gets. */
export function paperMarketFill(request: OrderRequest, model: PaperFillModel): Fill {
  const direction = request.side === 'buy' ? 1 : -1;
  const price = roundMoney(request.referencePrice.mul(model.slippageRate.mul(direction).add(1)));
  const fee = roundMoney(price.mul(request.quantity).mul(model.feeRate));
  return {
    tradeId: `${request.clientOrderId}-1`,
    side: request.side,
    price,
    quantity: request.quantity,
    fee,
    feeCurrency: splitSymbol(request.symbol).quote,
    executedAt: request.requestedAt,
  };
}

export function createPaperExchange(model: PaperFillModel = DEFAULT_PAPER_FILL_MODEL): ExchangeClient & { readonly model: PaperFillModel } {
  return {
    id: 'paper',
    model,
    async createOrder(request: OrderRequest): Promise<OrderReport> {
      return { exchangeOrderId: `paper-${request.clientOrderId}`, status: 'filled', fills: [paperMarketFill(request, model)] };
    },
  };
}
