import t from 'tap';
import { Decimal, decimalFromPrice } from '../../../libs/domain/decimal.ts';
import { FLAT_POSITION, type Position } from '../../../libs/domain/position.ts';
import { exitAtClose, exitLevels, forcedExit } from '../../../libs/risk/pre-trade-check.ts';
import { riskSettingsFromRecord } from '../../../libs/risk/risk-settings.ts';
import { decision, defineStrategy } from '../../../libs/strategies/strategy.ts';
import { decideOnCandle, positionInputs } from '../../../libs/trading/candle-decision.ts';

const risk = riskSettingsFromRecord({ stakeAmount: '100', maxPositionAmount: '300', stopLossPercent: 5, takeProfitPercent: 10 });
const holding: Position = { quantity: new Decimal(3), costBasis: new Decimal('0.30003'), realizedProfit: new Decimal(0), feesPaid: new Decimal(0) };
const candle = (close: number) => ({ openTime: 0, open: close, high: close, low: close, close, volume: 1 });

function always(signal: 'buy' | 'sell' | 'hold', addToPosition?: boolean) {
  const answer = decision(signal, `always ${signal}`, addToPosition);
  return defineStrategy({ name: 'always', title: 'Always', description: 'Says the same thing on every candle.', parameters: {}, indicators: () => ({}), warmupCandles: () => 0, decide: () => answer });
}

function decide(strategy: ReturnType<typeof always>, position: Position, close: number) {
  return decideOnCandle({ strategy, params: {}, candle: candle(close), indicators: {}, ...positionInputs(position, risk) });
}

t.test('a buy while holding changes nothing, unless the strategy asks to add to the position', async (t) => {
  t.same(decide(always('buy'), FLAT_POSITION, 0.1).intent, { side: 'buy', reason: 'signal: always buy' }, 'an entry when flat');
  t.equal(decide(always('buy'), holding, 0.1).intent, undefined, 'no second entry');
  t.same(decide(always('buy', true), holding, 0.1).intent, { side: 'buy', reason: 'signal: always buy' }, 'an addition when the strategy scales in');
  t.same(decide(always('sell'), holding, 0.1).intent, { side: 'sell', reason: 'signal: always sell' });
  t.equal(decide(always('sell'), FLAT_POSITION, 0.1).intent, undefined, 'nothing to sell');
});

t.test('stop-loss and take-profit come before the strategy, and the view shows the break-even entry', async (t) => {
  const inputs = positionInputs(holding, risk);
  t.same(inputs.position, { isOpen: true, averageEntryPrice: 0.10001 });
  t.match(decide(always('buy', true), holding, 0.09), { signal: 'sell', intent: { side: 'sell', reason: /^stop-loss/ } });
  t.match(decide(always('hold'), holding, 0.12), { signal: 'sell', intent: { reason: /^take-profit/ } });
  t.same(positionInputs(FLAT_POSITION, risk), { position: { isOpen: false, averageEntryPrice: undefined }, exits: undefined });
});

t.test('the float pre-check never disagrees with the exact decimal check, however close to a level the price is', async (t) => {
  const levels = exitLevels(holding, risk)!;
  const stop = levels.stopPrice!.toNumber();
  const target = levels.targetPrice!.toNumber();
  const prices: number[] = [];
  for (const level of [stop, target]) {
    let below = level;
    let above = level;
    for (let step = 0; step < 200; step += 1) {
      prices.push(below, above);
      below = below - Math.max(Number.EPSILON * below, 1e-19) * (step < 50 ? 1 : 1e6);
      above = above + Math.max(Number.EPSILON * above, 1e-19) * (step < 50 ? 1 : 1e6);
    }
  }
  let disagreements = 0;
  for (const price of prices) {
    const fast = exitAtClose(levels, price);
    const exact = forcedExit(holding, decimalFromPrice(price), risk);
    if (JSON.stringify(fast) !== JSON.stringify(exact)) disagreements += 1;
  }
  t.equal(disagreements, 0, `${prices.length} prices around both levels`);
  t.ok(prices.some((price) => forcedExit(holding, decimalFromPrice(price), risk) !== undefined) && prices.some((price) => forcedExit(holding, decimalFromPrice(price), risk) === undefined), 'both sides of the levels were tried');
});
