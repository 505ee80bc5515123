/** How numbers, money and times read on screen. The API's exact decimals are rounded only here. */

/** A decimal string shortened for reading: at most `significant` digits, no exponent for everyday sizes. */
export function amount(value: string | number | null | undefined, significant = 8): string {
  if (value === null || value === undefined || value === '') return '—';
  const number = Number(value);
  if (!Number.isFinite(number)) return String(value);
  if (number === 0) return '0';
  const rounded = Number(number.toPrecision(significant));
  return Math.abs(rounded) >= 1e-6 ? rounded.toLocaleString('en-US', { maximumFractionDigits: 20 }) : rounded.toExponential(3);
}

/** Profit with its sign, so gains and losses read at a glance. */
export function signed(value: string | number | null | undefined, significant = 6): string {
  if (value === null || value === undefined) return '—';
  const number = Number(value);
  if (!Number.isFinite(number)) return String(value);
  return `${number > 0 ? '+' : ''}${amount(value, significant)}`;
}

export function profitClass(value: string | number | null | undefined): string {
  const number = Number(value ?? 0);
  return number > 0 ? 'gain' : number < 0 ? 'loss' : '';
}

export function percent(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

export function ratio(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(2);
}

/** "2026-01-01 12:34" in UTC: candle times are UTC everywhere on the platform. */
export function utcTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '—' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "12 s ago", "3 min ago": for when something last happened. */
export function ago(value: string | null | undefined, now = Date.now()): string {
  if (!value) return '—';
  const seconds = Math.max(0, Math.round((now - Date.parse(value)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}
