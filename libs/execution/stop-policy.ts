/** What stopping a live bot does to its orders still open on the exchange. */

export const STOP_POLICIES = ['cancel-orders', 'leave-orders'] as const;
export type StopPolicy = (typeof STOP_POLICIES)[number];

/** Cancelling is the default: a stopped bot should leave nothing working on the exchange. */
export const DEFAULT_STOP_POLICY: StopPolicy = 'cancel-orders';
