import t from 'tap';
import { MAX_SWEEP_RUNS, parseValues, sweepCombinations } from '../../web/src/sweep.ts';

t.test('values to sweep are read as a list or as a range with a step', async (t) => {
  t.same(parseValues('8, 12,16'), [8, 12, 16]);
  t.same(parseValues('8 12 12 16'), [8, 12, 16], 'repeats dropped');
  t.same(parseValues('8-16/4'), [8, 12, 16]);
  t.same(parseValues('0.5-1.5/0.5'), [0.5, 1, 1.5], 'decimal steps without float drift');
  t.equal(parseValues('fast'), undefined);
  t.equal(parseValues(''), undefined);
  t.equal(parseValues('16-8/4'), undefined, 'a range must rise');
  t.equal(parseValues('1-1000/1'), undefined, `a range of more than ${MAX_SWEEP_RUNS} values is refused`);
});

t.test('a sweep tries every combination and keeps the parameters not swept', async (t) => {
  const combinations = sweepCombinations({ fast: [8, 12], slow: [21, 26] }, { fast: 12, slow: 26, signal: 9 });
  t.same(combinations, [
    { fast: 8, slow: 21, signal: 9 },
    { fast: 8, slow: 26, signal: 9 },
    { fast: 12, slow: 21, signal: 9 },
    { fast: 12, slow: 26, signal: 9 },
  ]);
  t.same(sweepCombinations({}, { fast: 12 }), [{ fast: 12 }], 'nothing swept: one run');
});
