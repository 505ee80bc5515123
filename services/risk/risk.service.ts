/**
 * The risk service: approves and sizes an order intent against the bot's limits and
 * account, or denies it with a reason the user can read. Pure rules live in libs/risk.
 */
import type { Context, ServiceSchema } from 'moleculer';
import { ACTION, SERVICES } from '../../libs/contracts/actions.ts';
import { mayEnter } from '../../libs/domain/bot-lifecycle.ts';
import { Decimal } from '../../libs/domain/decimal.ts';
import type { OrderSide } from '../../libs/domain/order.ts';
import type { TradingRepository } from '../../libs/db/trading.repository.ts';
import type { ExchangeRegistry } from '../../libs/exchange/exchange-registry.ts';
import { approveIntent } from '../../libs/risk/pre-trade-check.ts';
import { riskSettingsFromRecord } from '../../libs/risk/risk-settings.ts';

export interface RiskServiceDeps {
  readonly trading: TradingRepository;
  readonly exchanges: ExchangeRegistry;
}

interface ApproveParams {
  botId: string;
  side: OrderSide;
  reason: string;
  price: string;
}

export function createRiskService(deps: RiskServiceDeps): ServiceSchema {
  return {
    name: SERVICES.risk,
    actions: {
      [ACTION.risk.approve]: {
        visibility: 'public',
        params: {
          botId: 'uuid',
          side: { type: 'enum', values: ['buy', 'sell'] },
          reason: { type: 'string', max: 2000 },
          price: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' },
        },
        async handler(ctx: Context<ApproveParams>) {
          const context = await deps.trading.loadContext(ctx.params.botId);
          if (!context) return { kind: 'denied', reason: 'bot not found' };
          const venue = deps.exchanges.venueFor(context.bot.exchange);
          const verdict = approveIntent({ side: ctx.params.side, reason: ctx.params.reason }, riskSettingsFromRecord(context.bot.risk), {
            position: context.position,
            balances: context.balances,
            price: new Decimal(ctx.params.price),
            feeRate: venue.feeRate,
            slippageRate: venue.slippageRate,
            openOrders: context.openOrders,
            entriesAllowed: mayEnter(context.bot.status),
          });
          if (verdict.kind === 'denied') {
            this.logger.info({ botId: ctx.params.botId, requestId: ctx.requestID, reason: verdict.reason }, 'intent denied');
            return verdict;
          }
          return { kind: 'approved', quantity: verdict.quantity.toFixed() };
        },
      },
    },
  };
}
