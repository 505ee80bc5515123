/**
 * The operator's kill switch: `entries` halts every new position on the platform (exits
 * still run, so nobody is stranded), `all` halts every order. Pure: the risk service
 * reads the recorded state and asks these rules.
 */

export const KILL_SWITCH_MODES = ['off', 'entries', 'all'] as const;
export type KillSwitchMode = (typeof KILL_SWITCH_MODES)[number];

export function isKillSwitchMode(value: string): value is KillSwitchMode {
  return (KILL_SWITCH_MODES as readonly string[]).includes(value);
}

/** Why the kill switch stops an order on `side`, or undefined when it lets it through. */
export function killSwitchDenial(mode: KillSwitchMode, side: 'buy' | 'sell', reason: string | null): string | undefined {
  const why = reason ? ` (${reason})` : '';
  if (mode === 'all') return `platform kill switch: all trading halted by an operator${why}`;
  if (mode === 'entries' && side === 'buy') return `platform kill switch: new entries halted by an operator${why}`;
  return undefined;
}
