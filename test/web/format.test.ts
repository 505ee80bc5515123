import t from 'tap';
import { ago, amount, percent, signed, utcTime } from '../../web/src/format.ts';

t.test('amounts are shortened for reading, signs shown on profit', async (t) => {
  t.equal(amount('1234.567890123456789'), '1,234.5679');
  t.equal(amount('0.000123456789'), '0.00012345679');
  t.equal(amount('0.0000000123'), '1.230e-8');
  t.equal(amount(null), '—');
  t.equal(amount('0'), '0');
  t.equal(signed('0.5'), '+0.5');
  t.equal(signed('-0.25'), '-0.25');
  t.equal(percent(0.1234), '12.34%');
  t.equal(percent(null), '—');
});

t.test('times read in UTC, and how long ago', async (t) => {
  t.equal(utcTime('2018-01-20T04:53:00.000Z'), '2018-01-20 04:53 UTC');
  const now = Date.parse('2026-01-01T12:00:00Z');
  t.equal(ago('2026-01-01T11:59:48Z', now), '12 s ago');
  t.equal(ago('2026-01-01T11:57:00Z', now), '3 min ago');
  t.equal(ago('2026-01-01T09:00:00Z', now), '3 h ago');
  t.equal(ago(null, now), '—');
});
