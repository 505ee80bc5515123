/**
 * A bot's risk limits, with the defaults a bot gets when it names none. The stored
 * record (JSON on the bot, decimal strings on the wire) may omit every field added after
 * the first four: `riskSettingsFromRecord` fills them in, so old bots keep working.
 */
import { Decimal } from '../domain/decimal.ts';
import { DEFAULT_PROTECTIONS, type ProtectionSettings } from './protections.ts';

/**
 * How an entry is sized:
 * - `fixed-quote`: `stakeAmount` of quote currency per entry;
 * - `percent-of-equity`: `stakePercent` of the bot's equity (quote plus holdings at the price);
 * - `percent-risked`: the size that loses `riskPercent` of equity if the stop-loss is hit
 *   (needs a stop-loss; the stake still caps it).
 */
export const SIZING_MODES = ['fixed-quote', 'percent-of-equity', 'percent-risked'] as const;
export type SizingMode = (typeof SIZING_MODES)[number];

export interface RiskSettings {
  readonly sizingMode: SizingMode;
  /** Quote currency committed per entry (fixed-quote), and the cap of every other mode. */
  readonly stakeAmount: Decimal;
  /** Share of equity per entry in percent (percent-of-equity). */
  readonly stakePercent: number;
  /** Share of equity lost at the stop in percent (percent-risked). */
  readonly riskPercent: number;
  /** Largest position, valued at entry cost in quote currency. */
  readonly maxPositionAmount: Decimal;
  /** Most orders of the bot not yet settled at once; a new order is denied at the limit. */
  readonly maxOpenOrders: number;
  /** Exit when price falls this many percent below the break-even entry; null disables. */
  readonly stopLossPercent: number | null;
  /** Exit when price rises this many percent above the break-even entry; null disables. */
  readonly takeProfitPercent: number | null;
  /** Exit when price falls this many percent below the highest close since entry; null disables. */
  readonly trailingStopPercent: number | null;
  readonly protections: ProtectionSettings;
}

/** Risk settings as stored and sent on the wire: amounts are decimal strings. */
export interface RiskSettingsRecord {
  readonly stakeAmount: string;
  readonly maxPositionAmount: string;
  readonly stopLossPercent: number | null;
  readonly takeProfitPercent: number | null;
  readonly sizingMode?: SizingMode;
  readonly stakePercent?: number;
  readonly riskPercent?: number;
  readonly maxOpenOrders?: number;
  readonly trailingStopPercent?: number | null;
  readonly protections?: Partial<ProtectionSettings>;
}

export const DEFAULT_RISK: RiskSettingsRecord = {
  stakeAmount: '100',
  maxPositionAmount: '1000',
  stopLossPercent: 5,
  takeProfitPercent: 10,
};

/** Defaults of the fields a record may omit. */
export const DEFAULT_RISK_EXTRAS = {
  sizingMode: 'fixed-quote' as SizingMode,
  stakePercent: 10,
  riskPercent: 1,
  maxOpenOrders: 1,
  trailingStopPercent: null,
} as const;

export function riskSettingsFromRecord(record: RiskSettingsRecord): RiskSettings {
  return {
    sizingMode: record.sizingMode ?? DEFAULT_RISK_EXTRAS.sizingMode,
    stakeAmount: new Decimal(record.stakeAmount),
    stakePercent: record.stakePercent ?? DEFAULT_RISK_EXTRAS.stakePercent,
    riskPercent: record.riskPercent ?? DEFAULT_RISK_EXTRAS.riskPercent,
    maxPositionAmount: new Decimal(record.maxPositionAmount),
    maxOpenOrders: record.maxOpenOrders ?? DEFAULT_RISK_EXTRAS.maxOpenOrders,
    stopLossPercent: record.stopLossPercent,
    takeProfitPercent: record.takeProfitPercent,
    trailingStopPercent: record.trailingStopPercent ?? DEFAULT_RISK_EXTRAS.trailingStopPercent,
    protections: { ...DEFAULT_PROTECTIONS, ...record.protections },
  };
}

/** The record of `settings`, every field written out (what a bot shows). */
export function riskRecordOf(settings: RiskSettings): RiskSettingsRecord {
  return {
    stakeAmount: settings.stakeAmount.toFixed(),
    maxPositionAmount: settings.maxPositionAmount.toFixed(),
    stopLossPercent: settings.stopLossPercent,
    takeProfitPercent: settings.takeProfitPercent,
    sizingMode: settings.sizingMode,
    stakePercent: settings.stakePercent,
    riskPercent: settings.riskPercent,
    maxOpenOrders: settings.maxOpenOrders,
    trailingStopPercent: settings.trailingStopPercent,
    protections: settings.protections,
  };
}
