import t from 'tap';
import { clientOrderIdFor } from '../../../libs/domain/order.ts';
import { isDecimalString, parseDecimal } from '../../../libs/domain/decimal.ts';
import { candleOpenTime, lastClosedCandleOpenTime, utcDay } from '../../../libs/domain/timeframe.ts';

t.test('client order ids are deterministic per bot, candle and side, and fit every exchange', async (t) => {
  const id = clientOrderIdFor('b1', 60_000, 'buy');
  t.equal(id, clientOrderIdFor('b1', 60_000, 'buy'), 'same inputs, same id: a retry cannot make a second order');
  t.not(id, clientOrderIdFor('b1', 120_000, 'buy'));
  t.not(id, clientOrderIdFor('b1', 60_000, 'sell'));
  t.not(id, clientOrderIdFor('b2', 60_000, 'buy'));
  t.match(id, /^[a-z0-9]{32}$/);
});

t.test('decimal strings are strict and parse exactly', async (t) => {
  t.ok(isDecimalString('1000'));
  t.ok(isDecimalString('0.000001'));
  for (const bad of ['1e3', '+1', ' 1', '1.', '.5', '01', 'abc', '']) t.notOk(isDecimalString(bad), bad);
  t.equal(parseDecimal('0.1').add(parseDecimal('0.2')).toFixed(), '0.3');
  t.throws(() => parseDecimal('1e9', 'quoteBalance'), /quoteBalance must be a decimal string/);
});

t.test('candle arithmetic: open times align to the timeframe and the last closed candle is the one before', async (t) => {
  const time = Date.UTC(2026, 0, 1, 10, 7, 30);
  t.equal(candleOpenTime(time, '5m'), Date.UTC(2026, 0, 1, 10, 5));
  t.equal(lastClosedCandleOpenTime(time, '1m'), Date.UTC(2026, 0, 1, 10, 6));
  t.equal(lastClosedCandleOpenTime(time, '1h'), Date.UTC(2026, 0, 1, 9));
  t.equal(utcDay(Date.UTC(2026, 0, 1, 23, 59, 59)), '2026-01-01');
});
