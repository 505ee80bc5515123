import t from 'tap';
import fc from 'fast-check';
import { Decimal } from '../../../libs/domain/decimal.ts';
import { ORDER_STATUSES, type OrderStatus } from '../../../libs/domain/order.ts';
import { accountingFill } from '../../../libs/execution/fill-accounting.ts';
import { allowedTransitions, statusFromReport, transition } from '../../../libs/execution/order-state-machine.ts';

t.test('final states change no more; anything not drawn is refused with a reason', async (t) => {
  for (const final of ['filled', 'cancelled', 'rejected'] as const) {
    for (const to of ORDER_STATUSES) {
      if (to !== final) t.match(transition(final, to), { kind: 'refused', reason: `order cannot go from ${final} to ${to}` });
    }
  }
  t.match(transition('open', 'pending_submit'), { kind: 'refused' });
  t.match(transition('partially_filled', 'open'), { kind: 'refused' }, 'a stale report never moves an order back');
  t.same(transition('open', 'open'), { kind: 'unchanged' });
  t.same(transition('unknown', 'pending_submit'), { kind: 'moved', to: 'pending_submit' }, 'proven absent: back to be sent again');
  t.ok(allowedTransitions().length >= 15);
});

t.test('a cancel racing a fill ends filled; a cancel still pending stays pending while the order is open', async (t) => {
  const quantity = new Decimal(1);
  t.equal(statusFromReport('cancel_pending', 'cancelled', new Decimal(1), quantity), 'filled', 'cancelled with every unit filled is filled');
  t.equal(statusFromReport('cancel_pending', 'open', new Decimal('0.5'), quantity), 'cancel_pending');
  t.equal(statusFromReport('cancel_pending', 'cancelled', new Decimal('0.5'), quantity), 'cancelled');
  t.equal(statusFromReport('unknown', 'open', new Decimal('0.5'), quantity), 'partially_filled');
});

t.test('fees: in quote as is, in base taken from what was received, in a third currency recorded but not charged to quote profit', async (t) => {
  const fill = { tradeId: '1', side: 'buy' as const, price: new Decimal(100), quantity: new Decimal(2), fee: new Decimal('0.002'), feeCurrency: 'BTC', executedAt: 0 };
  t.match(accountingFill(fill, 'BTC', 'USDT'), { quantity: new Decimal('1.998'), fee: new Decimal('0.2'), feeCurrency: 'USDT' });
  t.match(accountingFill({ ...fill, side: 'sell' }, 'BTC', 'USDT'), { quantity: new Decimal('2.002'), fee: new Decimal('0.2') });
  t.equal(accountingFill({ ...fill, feeCurrency: 'USDT' }, 'BTC', 'USDT').fee.toFixed(), '0.002');
  t.equal(accountingFill({ ...fill, feeCurrency: 'BNB' }, 'BTC', 'USDT').fee.toFixed(), '0');
});

/**
 * The exchange's truth: an order that fills in parts and may be cancelled. Reports are
 * snapshots of it at some step; they reach us shuffled, duplicated and some dropped.
 * Applying them (fills deduplicated by trade id, status through the machine), then one
 * final reconciliation with the truth, must give exactly the ledger.
 */
interface Snapshot { status: OrderStatus; trades: { id: string; quantity: number }[] }

const history = fc.record({ parts: fc.integer({ min: 1, max: 5 }), cancelAfter: fc.option(fc.integer({ min: 0, max: 4 })) }).map(({ parts, cancelAfter }) => {
  const snapshots: Snapshot[] = [{ status: 'open', trades: [] }];
  const trades: { id: string; quantity: number }[] = [];
  for (let part = 0; part < parts; part += 1) {
    if (cancelAfter !== null && part === cancelAfter) {
      snapshots.push({ status: 'cancelled', trades: [...trades] });
      return { snapshots, quantity: parts };
    }
    trades.push({ id: `t${part}`, quantity: 1 });
    snapshots.push({ status: trades.length === parts ? 'filled' : 'partially_filled', trades: [...trades] });
  }
  return { snapshots, quantity: parts };
});

t.test('property: shuffled, duplicated and dropped exchange reports converge to the ledger', async (t) => {
  fc.assert(fc.property(history, fc.infiniteStream(fc.nat()), ({ snapshots, quantity }, picks) => {
    const deliveries: Snapshot[] = [];
    const iterator = picks[Symbol.iterator]();
    for (let i = 0; i < snapshots.length * 2; i += 1) deliveries.push(snapshots[iterator.next().value! % snapshots.length]!);
    const truth = snapshots.at(-1)!;
    let status: OrderStatus = 'pending_submit';
    const recorded = new Map<string, number>();
    for (const report of [...deliveries, truth]) {
      for (const trade of report.trades) if (!recorded.has(trade.id)) recorded.set(trade.id, trade.quantity);
      const filled = [...recorded.values()].reduce((sum, q) => sum + q, 0);
      const moved = transition(status, statusFromReport(status, report.status, new Decimal(filled), new Decimal(quantity)));
      if (moved.kind === 'moved') status = moved.to;
    }
    const ledgerFilled = truth.trades.reduce((sum, trade) => sum + trade.quantity, 0);
    const filled = [...recorded.values()].reduce((sum, q) => sum + q, 0);
    return status === truth.status && filled === ledgerFilled && recorded.size === truth.trades.length;
  }), { numRuns: 1000 });
  t.pass('held for 1000 random histories');
});
