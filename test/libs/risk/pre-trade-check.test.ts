import t from 'tap';
import { Decimal } from '../../../libs/domain/decimal.ts';
import { FLAT_POSITION, type Position } from '../../../libs/domain/position.ts';
import { approveIntent, forcedExit, type SizingContext } from '../../../libs/risk/pre-trade-check.ts';
import { countFill, rollTradingDay } from '../../../libs/risk/daily-counters.ts';
import { riskSettingsFromRecord } from '../../../libs/risk/risk-settings.ts';

const settings = riskSettingsFromRecord({ stakeAmount: '100', maxPositionAmount: '150', stopLossPercent: 5, takeProfitPercent: 10 });
const holding: Position = { quantity: new Decimal(1), costBasis: new Decimal(100), realizedProfit: new Decimal(0), feesPaid: new Decimal(0) };

function context(overrides: Partial<SizingContext> = {}): SizingContext {
  return {
    position: FLAT_POSITION, balances: { quote: new Decimal(1000), base: new Decimal(0) }, price: new Decimal(50),
    feeRate: new Decimal('0.001'), slippageRate: new Decimal('0.0005'), openOrders: 0, entriesAllowed: true, ...overrides,
  };
}

t.test('stop-loss and take-profit fire at their thresholds from the break-even entry, not before', async (t) => {
  t.match(forcedExit(holding, new Decimal(95), settings), { side: 'sell', reason: /^stop-loss/ });
  t.equal(forcedExit(holding, new Decimal('95.01'), settings), undefined);
  t.match(forcedExit(holding, new Decimal(110), settings), { side: 'sell', reason: /^take-profit/ });
  t.equal(forcedExit(holding, new Decimal('109.99'), settings), undefined);
  t.equal(forcedExit(FLAT_POSITION, new Decimal(1), settings), undefined, 'no position, no exit');
  t.equal(forcedExit(holding, new Decimal(1), { ...settings, stopLossPercent: null }), undefined, 'disabled stop-loss');
});

t.test('an entry is sized to the stake with room for fee and slippage, rounded down to 8 decimals', async (t) => {
  const verdict = approveIntent({ side: 'buy', reason: 'signal' }, settings, context());
  t.equal(verdict.kind, 'approved');
  const quantity = verdict.kind === 'approved' ? verdict.quantity : new Decimal(0);
  t.equal(quantity.decimalPlaces() <= 8, true);
  const worstCost = quantity.mul('50.025').mul('1.001');
  t.ok(worstCost.lte(100), `worst-case cost ${worstCost.toFixed()} within the stake`);
  t.ok(worstCost.gt('99.999'), 'uses the stake, not a fraction of it');
});

t.test('an entry is capped by the maximum position and refused once it is reached', async (t) => {
  const partly: Position = { ...holding, costBasis: new Decimal(120) };
  const capped = approveIntent({ side: 'buy', reason: 'signal' }, settings, context({ position: partly }));
  t.ok(capped.kind === 'approved' && capped.quantity.mul(50).lte(30), 'only the 30 left under the 150 maximum');
  const full: Position = { ...holding, costBasis: new Decimal(150) };
  t.match(approveIntent({ side: 'buy', reason: 'signal' }, settings, context({ position: full })), { kind: 'denied', reason: /maximum position of 150 reached/ });
});

t.test('denials: paused bot entries, open orders, no balance, nothing to sell; exits pass while paused', async (t) => {
  t.match(approveIntent({ side: 'buy', reason: 's' }, settings, context({ entriesAllowed: false })), { kind: 'denied', reason: /paused/ });
  t.match(approveIntent({ side: 'buy', reason: 's' }, settings, context({ openOrders: 1 })), { kind: 'denied', reason: /still open/ });
  t.match(approveIntent({ side: 'buy', reason: 's' }, settings, context({ balances: { quote: new Decimal(0), base: new Decimal(0) } })), { kind: 'denied', reason: /insufficient quote balance/ });
  t.match(approveIntent({ side: 'sell', reason: 's' }, settings, context()), { kind: 'denied', reason: /no position/ });
  const exit = approveIntent({ side: 'sell', reason: 'stop-loss' }, settings, context({ position: holding, entriesAllowed: false }));
  t.same(exit.kind === 'approved' ? exit.quantity.toFixed() : exit, '1', 'a paused bot still sells its whole position');
});

t.test('daily counters carry on within a UTC day and restart on the next', async (t) => {
  const day1 = Date.UTC(2026, 0, 1, 12);
  const counted = countFill(countFill({ tradingDay: null, tradesToday: 0, realizedProfitToday: new Decimal(0) }, day1, new Decimal(5)), day1 + 1000, new Decimal(-2));
  t.same({ day: counted.tradingDay, trades: counted.tradesToday, profit: counted.realizedProfitToday.toFixed() }, { day: '2026-01-01', trades: 2, profit: '3' });
  const nextDay = rollTradingDay(counted, Date.UTC(2026, 0, 2, 0, 0));
  t.same({ day: nextDay.tradingDay, trades: nextDay.tradesToday, profit: nextDay.realizedProfitToday.toFixed() }, { day: '2026-01-02', trades: 0, profit: '0' });
  t.equal(rollTradingDay(nextDay, Date.UTC(2026, 0, 1, 23)), nextDay, 'an older candle never rolls the day back');
});
