/**
 * The order state machine. Every status change of an order goes through `transition`,
 * which refuses anything not drawn here (the caller logs the refusal and keeps the old
 * status). Filled, cancelled and rejected are final. A cancel that races a fill ends
 * filled: cancel_pending may still become filled, and a report that the exchange
 * cancelled an order whose fills cover its quantity is taken as filled.
 *
 *   pending_submit ─► open ─► partially_filled ─► filled
 *        │   ▲          │            │              ▲
 *        ▼   │          └──► cancel_pending ────────┤
 *      unknown ───────────────────► cancelled       │
 *        (looked up by client order id) ────────────┘
 */
import type { Decimal } from '../domain/decimal.ts';
import type { OrderStatus } from '../domain/order.ts';

const ALLOWED: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending_submit: ['open', 'partially_filled', 'filled', 'rejected', 'unknown', 'cancelled'],
  open: ['partially_filled', 'filled', 'cancel_pending', 'cancelled'],
  partially_filled: ['filled', 'cancel_pending', 'cancelled'],
  cancel_pending: ['partially_filled', 'filled', 'cancelled'],
  // Unknown: the create call's answer was lost. A lookup finds it (any live state), proves it absent (back to pending_submit, to be sent again), or cannot tell yet.
  unknown: ['pending_submit', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected'],
  filled: [],
  cancelled: [],
  rejected: [],
};

export type TransitionResult =
  | { readonly kind: 'moved'; readonly to: OrderStatus }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'refused'; readonly reason: string };

/** Whether an order may go from `from` to `to`. A report of the status it already has changes nothing. */
export function transition(from: OrderStatus, to: OrderStatus): TransitionResult {
  if (from === to) return { kind: 'unchanged' };
  // Partial fills reported while a cancel is pending keep it pending: the cancel's answer decides.
  if (from === 'cancel_pending' && to === 'open') return { kind: 'unchanged' };
  if (ALLOWED[from].includes(to)) return { kind: 'moved', to };
  return { kind: 'refused', reason: `order cannot go from ${from} to ${to}` };
}

/** Every transition the machine allows, for tests and documentation. */
export function allowedTransitions(): ReadonlyArray<readonly [OrderStatus, OrderStatus]> {
  return Object.entries(ALLOWED).flatMap(([from, targets]) => targets.map((to) => [from as OrderStatus, to] as const));
}

/**
 * The status an exchange's view of an order means for us. `reported` is the exchange's
 * status mapped to ours (open, filled, cancelled, rejected); `filled` how much of
 * `quantity` it says is filled. A cancelled order whose fills cover its quantity filled
 * (the cancel lost the race); a cancel still pending stays pending while the order is open.
 */
export function statusFromReport(current: OrderStatus, reported: OrderStatus, filled: Decimal, quantity: Decimal): OrderStatus {
  if (filled.gte(quantity) && filled.gt(0)) return 'filled';
  if (reported === 'open' || reported === 'partially_filled') {
    if (current === 'cancel_pending') return 'cancel_pending';
    return filled.gt(0) ? 'partially_filled' : 'open';
  }
  return reported;
}
