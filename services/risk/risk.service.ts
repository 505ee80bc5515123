/**
 * The risk service: approves and sizes an order intent against the bot's limits, its
 * protections, the user's limits across bots and the platform's kill switch, or denies it
 * with a reason the user can read. Pure rules live in libs/risk; this file gathers their
 * inputs, maps results and tells the owner's browser when a protection pauses a bot.
 */
import type { Context, ServiceSchema } from 'moleculer';
import { ACTION, SERVICES } from '../../libs/contracts/actions.ts';
import { EVENTS, type ProtectionTriggeredEvent } from '../../libs/contracts/events.ts';
import { mayEnter } from '../../libs/domain/bot-lifecycle.ts';
import { Decimal } from '../../libs/domain/decimal.ts';
import type { OrderSide } from '../../libs/domain/order.ts';
import type { RiskRepository } from '../../libs/db/risk.repository.ts';
import type { TradingRepository } from '../../libs/db/trading.repository.ts';
import type { ExchangeRegistry } from '../../libs/exchange/exchange-registry.ts';
import type { Clock } from '../../libs/platform/clock.ts';
import { isKillSwitchMode, KILL_SWITCH_MODES, type KillSwitchMode } from '../../libs/risk/kill-switch.ts';
import { approveIntent } from '../../libs/risk/pre-trade-check.ts';
import { riskSettingsFromRecord } from '../../libs/risk/risk-settings.ts';
import { assertAdmin, callerOf, type CallerMeta } from '../shared/caller.ts';
import { invalidField } from '../shared/errors.ts';

export interface RiskServiceDeps {
  readonly trading: TradingRepository;
  readonly risk: RiskRepository;
  readonly exchanges: ExchangeRegistry;
  readonly clock: Clock;
}

interface ApproveParams {
  botId: string;
  side: OrderSide;
  reason: string;
  price: string;
  candleTime?: number;
}

const AMOUNT = '^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,18})?$';

/** A limit on the wire: a positive decimal string, or null for none. */
const limitParam = (description: string) => ({
  type: 'string', pattern: AMOUNT, nullable: true, optional: true, max: 40, description,
  messages: { stringPattern: "The '{field}' field must be a decimal string such as 250 or 99.5, or null for no limit." },
});

function limitsView(limits: { dailyLossLimit: Decimal | null; maxExposurePerMarket: Decimal | null; updatedAt: Date | null }) {
  return {
    dailyLossLimit: limits.dailyLossLimit?.toFixed() ?? null,
    maxExposurePerMarket: limits.maxExposurePerMarket?.toFixed() ?? null,
    updatedAt: limits.updatedAt?.toISOString() ?? null,
  };
}

function killSwitchView(state: { mode: KillSwitchMode; reason: string | null; changedBy: string | null; changedAt: Date | null }) {
  return { mode: state.mode, reason: state.reason, changedBy: state.changedBy, changedAt: state.changedAt?.toISOString() ?? null };
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
          candleTime: { type: 'number', integer: true, optional: true },
        },
        async handler(ctx: Context<ApproveParams>) {
          const context = await deps.trading.loadContext(ctx.params.botId);
          if (!context) return { kind: 'denied', reason: 'bot not found' };
          const { bot } = context;
          const now = ctx.params.candleTime ?? deps.clock.now();
          const venue = deps.exchanges.venueFor(bot.exchange);
          const settings = riskSettingsFromRecord(bot.risk);
          const { protections } = settings;
          const anyProtection = protections.cooldownMinutes !== null || protections.stopLossGuard !== null || protections.maxDrawdown !== null || protections.lowProfit !== null;
          // Only entries meet protections and user limits; exits need neither read.
          const entry = ctx.params.side === 'buy';
          const [killSwitch, tradingBlocked, exits, account] = await Promise.all([
            deps.risk.killSwitch(),
            bot.exchangeAccountId ? deps.risk.reconciliationBlock(bot.id) : Promise.resolve(undefined),
            entry && anyProtection ? deps.risk.recentExits(bot.id) : Promise.resolve(undefined),
            entry ? deps.risk.standing(bot.userId, bot.market, now) : Promise.resolve(undefined),
          ]);
          const verdict = approveIntent({ side: ctx.params.side, reason: ctx.params.reason }, settings, {
            position: context.position,
            balances: context.balances,
            price: new Decimal(ctx.params.price),
            feeRate: venue.feeRate,
            slippageRate: venue.slippageRate,
            openOrders: context.openOrders,
            entriesAllowed: mayEnter(bot.status),
            now,
            killSwitch,
            ...(tradingBlocked !== undefined ? { tradingBlocked } : {}),
            ...(exits !== undefined ? { exits } : {}),
            startingBalance: new Decimal(bot.initialBalance),
            ...(account !== undefined ? { account } : {}),
          });
          if (verdict.kind === 'denied') {
            this.logger.info({ botId: bot.id, requestId: ctx.requestID, reason: verdict.reason }, 'intent denied');
            if (verdict.protection) {
              const event: ProtectionTriggeredEvent = { botId: bot.id, userId: bot.userId, protection: verdict.protection.protection, until: new Date(verdict.protection.until).toISOString(), reason: verdict.reason };
              ctx.emit(EVENTS.protectionTriggered, event);
            }
            return { kind: 'denied', reason: verdict.reason };
          }
          return { kind: 'approved', quantity: verdict.quantity.toFixed() };
        },
      },
      [ACTION.risk.limits]: {
        params: { $$strict: true },
        async handler(ctx: Context<unknown, CallerMeta>) {
          return limitsView(await deps.risk.limits(callerOf(ctx).id));
        },
      },
      [ACTION.risk.setLimits]: {
        params: {
          $$strict: true,
          dailyLossLimit: limitParam('Realized loss per UTC day across all your bots at which their entries stop until the next day; null: none.'),
          maxExposurePerMarket: limitParam('Largest entry cost held in one market across all your bots, in quote currency; null: none.'),
        },
        async handler(ctx: Context<{ dailyLossLimit?: string | null; maxExposurePerMarket?: string | null }, CallerMeta>) {
          const caller = callerOf(ctx);
          const current = await deps.risk.limits(caller.id);
          const pick = (field: 'dailyLossLimit' | 'maxExposurePerMarket'): Decimal | null => {
            const given = ctx.params[field];
            if (given === undefined) return current[field];
            if (given === null) return null;
            const value = new Decimal(given);
            if (value.lte(0)) throw invalidField(field, `${field} must be greater than 0, or null for no limit`);
            return value;
          };
          const limits = { dailyLossLimit: pick('dailyLossLimit'), maxExposurePerMarket: pick('maxExposurePerMarket') };
          await deps.risk.setLimits(caller.id, limits, new Date(deps.clock.now()));
          return limitsView(await deps.risk.limits(caller.id));
        },
      },
      [ACTION.risk.killSwitch]: {
        params: { $$strict: true },
        async handler(ctx: Context<unknown, CallerMeta>) {
          if (ctx.meta.user) assertAdmin(ctx);
          return killSwitchView(await deps.risk.killSwitch());
        },
      },
      [ACTION.risk.setKillSwitch]: {
        params: {
          $$strict: true,
          mode: { type: 'enum', values: [...KILL_SWITCH_MODES], description: 'off: trading as usual; entries: no new positions anywhere (exits run); all: no order at all.' },
          reason: { type: 'string', min: 3, max: 500, trim: true, description: 'Why, for the record.' },
          operator: { type: 'string', max: 254, optional: true, description: 'Who, when called from the REPL (which has no user).' },
        },
        async handler(ctx: Context<{ mode: string; reason: string; operator?: string }, CallerMeta & { email?: string }>) {
          // Through the API only an admin may; the REPL (no user in meta) names its operator.
          const user = ctx.meta.user;
          if (user) assertAdmin(ctx);
          if (!isKillSwitchMode(ctx.params.mode)) throw invalidField('mode', `mode must be one of ${KILL_SWITCH_MODES.join(', ')}`);
          const changedBy = user ? { id: user.id, name: (user as { email?: string }).email ?? user.id } : { id: null, name: ctx.params.operator ?? 'repl' };
          const state = await deps.risk.setKillSwitch(ctx.params.mode, ctx.params.reason, changedBy, new Date(deps.clock.now()));
          this.logger.warn({ mode: state.mode, reason: state.reason, changedBy: state.changedBy }, 'kill switch changed');
          return killSwitchView(state);
        },
      },
    },
  };
}
