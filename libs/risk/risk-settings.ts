/** A bot's risk limits, with the defaults a bot gets when it names none. */
import { Decimal } from '../domain/decimal.ts';

export interface RiskSettings {
  /** Quote currency committed per entry. */
  readonly stakeAmount: Decimal;
  /** Largest position, valued at entry cost in quote currency. */
  readonly maxPositionAmount: Decimal;
  /** Exit when price falls this many percent below the break-even entry; null disables. */
  readonly stopLossPercent: number | null;
  /** Exit when price rises this many percent above the break-even entry; null disables. */
  readonly takeProfitPercent: number | null;
}

/** Risk settings as stored and sent on the wire: amounts are decimal strings. */
export interface RiskSettingsRecord {
  readonly stakeAmount: string;
  readonly maxPositionAmount: string;
  readonly stopLossPercent: number | null;
  readonly takeProfitPercent: number | null;
}

export const DEFAULT_RISK: RiskSettingsRecord = {
  stakeAmount: '100',
  maxPositionAmount: '1000',
  stopLossPercent: 5,
  takeProfitPercent: 10,
};

export function riskSettingsFromRecord(record: RiskSettingsRecord): RiskSettings {
  return {
    stakeAmount: new Decimal(record.stakeAmount),
    maxPositionAmount: new Decimal(record.maxPositionAmount),
    stopLossPercent: record.stopLossPercent,
    takeProfitPercent: record.takeProfitPercent,
  };
}
