import t from 'tap';
import { Decimal } from '../../../libs/domain/decimal.ts';
import type { Fill } from '../../../libs/domain/order.ts';
import { applyFill, averageEntryPrice, equity, FLAT_POSITION, unrealizedProfit } from '../../../libs/domain/position.ts';

const fill = (side: 'buy' | 'sell', price: string, quantity: string, fee: string): Fill => ({
  tradeId: `${side}-${price}`, side, price: new Decimal(price), quantity: new Decimal(quantity), fee: new Decimal(fee), feeCurrency: 'USDT', executedAt: 0,
});

t.test('a buy moves quote into the position at a cost basis that includes the fee', async (t) => {
  const effect = applyFill(FLAT_POSITION, { quote: new Decimal(1000), base: new Decimal(0) }, fill('buy', '100', '2', '0.2'));
  t.equal(effect.balances.quote.toFixed(), '799.8');
  t.equal(effect.balances.base.toFixed(), '2');
  t.equal(effect.position.costBasis.toFixed(), '200.2');
  t.equal(averageEntryPrice(effect.position)?.toFixed(), '100.1');
  t.equal(effect.realizedProfit.toFixed(), '0');
});

t.test('a full sell realizes proceeds after fees minus the whole cost basis, exactly', async (t) => {
  const bought = applyFill(FLAT_POSITION, { quote: new Decimal(1000), base: new Decimal(0) }, fill('buy', '0.1', '3', '0.0003'));
  const sold = applyFill(bought.position, bought.balances, fill('sell', '0.2', '3', '0.0006'));
  t.equal(sold.realizedProfit.toFixed(), '0.2991', 'no float rounding: 0.6 - 0.0006 - 0.3003');
  t.equal(sold.position.quantity.toFixed(), '0');
  t.equal(sold.position.costBasis.toFixed(), '0');
  t.equal(sold.balances.quote.toFixed(), '1000.2991');
  t.equal(sold.position.feesPaid.toFixed(), '0.0009');
});

t.test('a partial sell realizes profit on the share sold and keeps the average cost of the rest', async (t) => {
  const bought = applyFill(FLAT_POSITION, { quote: new Decimal(1000), base: new Decimal(0) }, fill('buy', '10', '4', '0'));
  const sold = applyFill(bought.position, bought.balances, fill('sell', '12', '1', '0'));
  t.equal(sold.realizedProfit.toFixed(), '2');
  t.equal(averageEntryPrice(sold.position)?.toFixed(), '10');
  t.equal(unrealizedProfit(sold.position, new Decimal(11)).toFixed(), '3');
  t.equal(equity(sold.balances, new Decimal(11)).toFixed(), '1005');
});

t.test('a sell larger than the position and a buy larger than the balance are refused', async (t) => {
  const balances = { quote: new Decimal(10), base: new Decimal(0) };
  t.throws(() => applyFill(FLAT_POSITION, balances, fill('sell', '1', '1', '0')), RangeError);
  t.throws(() => applyFill(FLAT_POSITION, balances, fill('buy', '10', '1', '0.01')), RangeError);
});
