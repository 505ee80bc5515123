/** A parameter sweep as the backtests screen takes it: values typed per parameter, and every combination of them. */

/** Most combinations one sweep from the browser may queue. */
export const MAX_SWEEP_RUNS = 200;

/** Every combination of the values given per parameter (the others keep their single value). */
export function sweepCombinations(grid: Record<string, number[]>, base: Record<string, number>): Record<string, number>[] {
  let combinations: Record<string, number>[] = [{ ...base }];
  for (const [name, values] of Object.entries(grid)) combinations = combinations.flatMap((params) => values.map((value) => ({ ...params, [name]: value })));
  return combinations;
}

/** "8, 12, 16" or "8-16/4" (from 8 to 16 step 4) into numbers; undefined when unreadable. */
export function parseValues(text: string): number[] | undefined {
  const range = /^\s*(-?[\d.]+)\s*-\s*(-?[\d.]+)\s*\/\s*([\d.]+)\s*$/.exec(text);
  if (range) {
    const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (!(step > 0) || to < from || (to - from) / step > MAX_SWEEP_RUNS) return undefined;
    const values: number[] = [];
    for (let value = from; value <= to + 1e-9; value += step) values.push(Number(value.toPrecision(12)));
    return values;
  }
  const values = text.split(/[\s,;]+/).filter(Boolean).map(Number);
  return values.length > 0 && values.every(Number.isFinite) ? [...new Set(values)] : undefined;
}
