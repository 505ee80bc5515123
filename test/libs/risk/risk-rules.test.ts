import t from 'tap';
import fc from 'fast-check';
import { Decimal } from '../../../libs/domain/decimal.ts';
import { FLAT_POSITION, type Position } from '../../../libs/domain/position.ts';
import { dailyLossBreach, nextUtcDay, type AccountStanding } from '../../../libs/risk/account-limits.ts';
import { approveIntent, exitAtClose, exitLevels, type SizingContext } from '../../../libs/risk/pre-trade-check.ts';
import { activeProtection, DEFAULT_PROTECTIONS, type ClosedExit } from '../../../libs/risk/protections.ts';
import { riskSettingsFromRecord, type RiskSettingsRecord } from '../../../libs/risk/risk-settings.ts';

const MINUTE = 60_000;
const NOON = Date.UTC(2026, 2, 1, 12);
const base: RiskSettingsRecord = { stakeAmount: '100', maxPositionAmount: '10000', stopLossPercent: 5, takeProfitPercent: null };
const holding: Position = { quantity: new Decimal(1), costBasis: new Decimal(100), realizedProfit: new Decimal(0), feesPaid: new Decimal(0) };
const buy = { side: 'buy' as const, reason: 'signal' };
const sell = { side: 'sell' as const, reason: 'signal' };

function context(overrides: Partial<SizingContext> = {}): SizingContext {
  return {
    position: FLAT_POSITION, balances: { quote: new Decimal(1000), base: new Decimal(0) }, price: new Decimal(50),
    feeRate: new Decimal(0), slippageRate: new Decimal(0), openOrders: 0, entriesAllowed: true, now: NOON, ...overrides,
  };
}

function approvedSpend(verdict: ReturnType<typeof approveIntent>, price = 50): string {
  if (verdict.kind !== 'approved') throw new Error(`denied: ${verdict.reason}`);
  return verdict.quantity.mul(price).toFixed();
}

function standing(overrides: Partial<AccountStanding> = {}): AccountStanding {
  return { limits: { dailyLossLimit: null, maxExposurePerMarket: null }, realizedProfitToday: new Decimal(0), marketExposure: new Decimal(0), ...overrides };
}

t.test('sizing: fixed quote spends the stake, percent of equity a share of equity, percent risked the size that loses the risk at the stop', async (t) => {
  t.equal(approvedSpend(approveIntent(buy, riskSettingsFromRecord(base), context())), '100');
  const equityShare = riskSettingsFromRecord({ ...base, sizingMode: 'percent-of-equity', stakePercent: 20 });
  // Equity 1000 quote + 2 base at 50 = 1100; 20% is 220.
  t.equal(approvedSpend(approveIntent(buy, equityShare, context({ balances: { quote: new Decimal(1000), base: new Decimal(2) } }))), '220');
  const risked = riskSettingsFromRecord({ ...base, sizingMode: 'percent-risked', riskPercent: 1, stopLossPercent: 5 });
  // 1% of 1000 = 10 lost at a 5% stop: a 200 position.
  t.equal(approvedSpend(approveIntent(buy, risked, context())), '200');
  const noStop = riskSettingsFromRecord({ ...base, sizingMode: 'percent-risked', stopLossPercent: null });
  t.match(approveIntent(buy, noStop, context()), { kind: 'denied', reason: /needs a stop-loss/ });
});

t.test('maximum open orders: a new order is denied at the limit, allowed under it', async (t) => {
  const two = riskSettingsFromRecord({ ...base, maxOpenOrders: 2 });
  t.equal(approveIntent(buy, two, context({ openOrders: 1 })).kind, 'approved');
  t.match(approveIntent(buy, two, context({ openOrders: 2 })), { kind: 'denied', reason: /still open \(2; at most 2 at once\)/ });
  t.match(approveIntent(sell, two, context({ openOrders: 2, position: holding })), { kind: 'denied', reason: /still open/ });
});

t.test('trailing stop: fires at the percent under the highest close since entry, not before, and only when set', async (t) => {
  const settings = riskSettingsFromRecord({ ...base, stopLossPercent: null, trailingStopPercent: 10 });
  const levels = exitLevels(holding, settings);
  t.equal(exitAtClose(levels, 136, 150), undefined, 'above 90% of the peak: no exit');
  t.equal(exitAtClose(levels, 135, 149.99), undefined, 'the level follows the peak: 134.991 under a peak of 149.99');
  t.match(exitAtClose(levels, 135, 150), { side: 'sell', reason: /^trailing-stop: price 135 at or below 135 \(10% under the highest close 150 since entry\)/ }, 'exactly at the level is an exit');
  t.match(exitAtClose(levels, 120, 150), { side: 'sell', reason: /^trailing-stop/ });
  t.equal(exitAtClose(levels, 120), undefined, 'without a peak there is no trailing stop to check');
  t.equal(exitAtClose(exitLevels(holding, riskSettingsFromRecord(base)), 99, 150), undefined, 'no trailing stop without the setting');
});

const exit = (minutesBeforeNoon: number, profit: string, stopLoss = false): ClosedExit => ({ time: NOON - minutesBeforeNoon * MINUTE, profit: new Decimal(profit), stopLoss });

t.test('protections: each pauses entries for its time after the exits that trigger it, and says why', async (t) => {
  const balance = new Decimal(1000);
  const cooldown = { ...DEFAULT_PROTECTIONS, cooldownMinutes: 30 };
  t.match(activeProtection(cooldown, [exit(10, '5')], balance, NOON), { protection: 'cooldown', until: NOON + 20 * MINUTE });
  t.equal(activeProtection(cooldown, [exit(31, '5')], balance, NOON), undefined, 'cooldown over');

  const guard = { ...DEFAULT_PROTECTIONS, stopLossGuard: { tradeLimit: 2, lookbackMinutes: 60, pauseMinutes: 120 } };
  t.match(activeProtection(guard, [exit(50, '-5', true), exit(10, '-5', true)], balance, NOON), { protection: 'stop-loss-guard', reason: /2 stop-losses within 60 min/ });
  t.equal(activeProtection(guard, [exit(90, '-5', true), exit(10, '-5', true)], balance, NOON), undefined, 'stops further apart than the lookback');
  t.equal(activeProtection(guard, [exit(50, '-5', false), exit(10, '-5', true)], balance, NOON), undefined, 'only stop-loss exits count');

  const drawdown = { ...DEFAULT_PROTECTIONS, maxDrawdown: { maxDrawdownPercent: 5, lookbackMinutes: 600, pauseMinutes: 60 } };
  t.match(activeProtection(drawdown, [exit(30, '40'), exit(20, '-30'), exit(10, '-25')], balance, NOON), { protection: 'max-drawdown', reason: /5.5%/ });
  t.equal(activeProtection(drawdown, [exit(30, '40'), exit(20, '-30'), exit(10, '20')], balance, NOON), undefined, '3% drawdown is under the limit');

  const lowProfit = { ...DEFAULT_PROTECTIONS, lowProfit: { minProfitPercent: 0, tradeLimit: 3, lookbackMinutes: 600, pauseMinutes: 60 } };
  t.match(activeProtection(lowProfit, [exit(30, '1'), exit(20, '-2'), exit(10, '0.5')], balance, NOON), { protection: 'low-profit' });
  t.equal(activeProtection(lowProfit, [exit(20, '-2'), exit(10, '0.5')], balance, NOON), undefined, 'too few exits to judge');
  t.equal(activeProtection(lowProfit, [exit(30, '1'), exit(20, '-2'), exit(10, '0.5')], balance, NOON + 51 * MINUTE), undefined, 'pause over');
});

t.test('protections and limits block entries, never exits; a denial names the protection and when it ends', async (t) => {
  const settings = riskSettingsFromRecord({ ...base, protections: { cooldownMinutes: 30 } });
  const exits = [exit(10, '-5')];
  t.match(approveIntent(buy, settings, context({ exits })), { kind: 'denied', protection: { protection: 'cooldown', until: NOON + 20 * MINUTE } });
  t.equal(approveIntent(sell, settings, context({ exits, position: holding })).kind, 'approved');
  const lossy = standing({ limits: { dailyLossLimit: new Decimal(50), maxExposurePerMarket: null }, realizedProfitToday: new Decimal(-50) });
  t.match(approveIntent(buy, settings, context({ account: lossy })), { kind: 'denied', reason: /daily loss limit of 50 reached/, protection: { protection: 'daily-loss-limit' } });
  t.equal(approveIntent(sell, settings, context({ account: lossy, position: holding })).kind, 'approved');
});

t.test('daily loss limit: reached at the limit, not before, and lifted at the next UTC midnight', async (t) => {
  const limits = { dailyLossLimit: new Decimal(50), maxExposurePerMarket: null };
  t.equal(dailyLossBreach(standing({ limits, realizedProfitToday: new Decimal('-49.99') }), NOON), undefined);
  const breach = dailyLossBreach(standing({ limits, realizedProfitToday: new Decimal(-50) }), NOON);
  t.equal(breach?.until, Date.UTC(2026, 2, 2), 'until the next midnight UTC');
  t.equal(nextUtcDay(Date.UTC(2026, 2, 1, 23, 59, 59, 999)), Date.UTC(2026, 2, 2));
  t.equal(nextUtcDay(Date.UTC(2026, 2, 2)), Date.UTC(2026, 2, 3), 'midnight itself belongs to the new day');
});

t.test('exposure per market across bots caps the entry and denies it once reached', async (t) => {
  const settings = riskSettingsFromRecord(base);
  const limits = { dailyLossLimit: null, maxExposurePerMarket: new Decimal(130) };
  t.equal(approvedSpend(approveIntent(buy, settings, context({ account: standing({ limits, marketExposure: new Decimal(100) }) }))), '30');
  t.match(approveIntent(buy, settings, context({ account: standing({ limits, marketExposure: new Decimal(130) }) })), { kind: 'denied', reason: /maximum exposure of 130/ });
});

t.test('kill switch: entries mode stops buys only, all mode stops every order', async (t) => {
  const settings = riskSettingsFromRecord(base);
  t.match(approveIntent(buy, settings, context({ killSwitch: { mode: 'entries', reason: 'exchange incident' } })), { kind: 'denied', reason: /new entries halted.*exchange incident/ });
  t.equal(approveIntent(sell, settings, context({ position: holding, killSwitch: { mode: 'entries', reason: null } })).kind, 'approved');
  t.match(approveIntent(sell, settings, context({ position: holding, killSwitch: { mode: 'all', reason: null } })), { kind: 'denied', reason: /all trading halted/ });
  t.equal(approveIntent(buy, settings, context({ killSwitch: { mode: 'off', reason: null } })).kind, 'approved');
});

// Properties: whatever the settings and standing, an approved entry's worst-case cost fits every cap, and exits are never blocked by protections, limits or a pause.
const amount = fc.integer({ min: 1, max: 1_000_000 }).map((cents) => new Decimal(cents).div(100));
const arbitraryCase = fc.record({
  stake: amount, maxPosition: amount, quote: amount, held: amount, price: amount, exposureLimit: fc.option(amount), exposure: amount,
  mode: fc.constantFrom('fixed-quote', 'percent-of-equity', 'percent-risked'), percent: fc.integer({ min: 1, max: 100 }),
  feeRate: fc.integer({ min: 0, max: 100 }).map((bp) => new Decimal(bp).div(10_000)), slippage: fc.integer({ min: 0, max: 100 }).map((bp) => new Decimal(bp).div(10_000)),
  lossToday: amount, lossLimit: fc.option(amount), paused: fc.boolean(), cooldown: fc.option(fc.integer({ min: 1, max: 600 })),
});

t.test('property: an approved entry never costs more than the stake budget, the room under the maximum position and exposure, or the balance', async (t) => {
  fc.assert(fc.property(arbitraryCase, (c) => {
    const settings = riskSettingsFromRecord({ ...base, stakeAmount: c.stake.toFixed(), maxPositionAmount: c.maxPosition.toFixed(), sizingMode: c.mode as 'fixed-quote', stakePercent: c.percent, riskPercent: c.percent });
    const position: Position = { ...holding, costBasis: c.held };
    const limits = { dailyLossLimit: null, maxExposurePerMarket: c.exposureLimit };
    const ctx = context({ position, balances: { quote: c.quote, base: new Decimal(0) }, price: c.price, feeRate: c.feeRate, slippageRate: c.slippage, account: standing({ limits, marketExposure: c.exposure }) });
    const verdict = approveIntent(buy, settings, ctx);
    if (verdict.kind === 'denied') return true;
    const worstCost = verdict.quantity.mul(c.price).mul(c.slippage.add(1)).mul(c.feeRate.add(1));
    const caps = [c.quote, c.maxPosition.sub(c.held), ...(c.exposureLimit ? [c.exposureLimit.sub(c.exposure)] : [])];
    return verdict.quantity.gt(0) && caps.every((cap) => worstCost.lte(cap));
  }), { numRuns: 500 });
  t.pass('held for 500 random cases');
});

t.test('property: an exit of a held position is approved whatever the protections, daily loss and pause', async (t) => {
  fc.assert(fc.property(arbitraryCase, (c) => {
    const settings = riskSettingsFromRecord({ ...base, protections: { cooldownMinutes: c.cooldown } });
    const limits = { dailyLossLimit: c.lossLimit, maxExposurePerMarket: c.exposureLimit };
    const ctx = context({ position: holding, entriesAllowed: !c.paused, exits: [exit(1, '-1', true)], account: standing({ limits, realizedProfitToday: c.lossToday.neg(), marketExposure: c.exposure }) });
    const verdict = approveIntent(sell, settings, ctx);
    return verdict.kind === 'approved' && verdict.quantity.eq(holding.quantity);
  }), { numRuns: 300 });
  t.pass('held for 300 random cases');
});
