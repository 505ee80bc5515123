/** Every entity, for the ORM configuration. */
import { BotStateEntity } from './bot-state.entity.ts';
import { BotEntity } from './bot.entity.ts';
import { DecisionEntity } from './decision.entity.ts';
import { FillEntity } from './fill.entity.ts';
import { MarketClockEntity } from './market-clock.entity.ts';
import { OrderEntity } from './order.entity.ts';
import { PositionEntity } from './position.entity.ts';
import { UserEntity } from './user.entity.ts';
import { BacktestEntity } from './backtest.entity.ts';
import { CandleEntity } from './candle.entity.ts';
import { AuditEntryEntity } from './audit-entry.entity.ts';
import { ExchangeAccountEntity } from './exchange-account.entity.ts';
import { RefreshTokenEntity } from './refresh-token.entity.ts';
import { BotReconciliationEntity, KillSwitchChangeEntity, UserRiskLimitsEntity } from './risk-limits.entity.ts';

export const ENTITIES = [UserEntity, BotEntity, BotStateEntity, DecisionEntity, OrderEntity, FillEntity, PositionEntity, MarketClockEntity, BacktestEntity, CandleEntity, ExchangeAccountEntity, UserRiskLimitsEntity, KillSwitchChangeEntity, BotReconciliationEntity, RefreshTokenEntity, AuditEntryEntity];

export { BotEntity, BotStateEntity, DecisionEntity, FillEntity, MarketClockEntity, OrderEntity, PositionEntity, UserEntity };
export { BacktestEntity, CandleEntity };
export { BotReconciliationEntity, ExchangeAccountEntity, KillSwitchChangeEntity, UserRiskLimitsEntity };
export { AuditEntryEntity, RefreshTokenEntity };
