import { describe, expect, test } from 'vitest';
import { aucVerdict, calibrationError, calibrationSeries, nearChance, verdictTag } from '../src/lib/scoring.js';

const bins = [
  { lo: 0, hi: 0.2, n: 50, predicted: 0.1, observed: 0.12 },
  { lo: 0.2, hi: 0.4, n: 0, predicted: 0, observed: 0 },
  { lo: 0.4, hi: 1, n: 30, predicted: 0.6, observed: 0.5 },
];

describe('calibration', () => {
  test('empty bins are left out of the plot', () => {
    const { predicted, diagonal } = calibrationSeries(bins);
    expect(predicted).toEqual([[0.1, 0.12, 50], [0.6, 0.5, 30]]);
    expect(diagonal).toEqual([[0, 0], [1, 1]]);
  });
  test('the error is the row-weighted gap', () => {
    expect(calibrationError(bins)).toBeCloseTo((50 * 0.02 + 30 * 0.1) / 80, 10);
    expect(calibrationError([])).toBeNull();
  });
});

describe('auc verdict', () => {
  test('bands a cross-validated AUC from a coin flip to good', () => {
    expect(aucVerdict(0.488)).toBe('chance');
    expect(aucVerdict(0.5999)).toBe('chance');
    expect(aucVerdict(0.6)).toBe('weak');
    expect(aucVerdict(0.73)).toBe('fair');
    expect(aucVerdict(0.8)).toBe('good');
    expect(aucVerdict(0.97)).toBe('good');
  });
  test('no figure, no verdict; every verdict has a tag', () => {
    expect(aucVerdict(null)).toBeNull();
    expect(aucVerdict(undefined)).toBeNull();
    expect(aucVerdict('0.7')).toBeNull();
    expect(aucVerdict(NaN)).toBeNull();
    for (const a of [0.5, 0.65, 0.75, 0.9]) expect(verdictTag[aucVerdict(a)]).toBeTruthy();
  });
});

describe('near chance', () => {
  test('only a model that ranks like a coin is', () => {
    expect(nearChance({ auc_cv: 0.49 })).toBe(true);
    expect(nearChance({ auc_cv: 0.76 })).toBe(false);
    expect(nearChance(null)).toBe(false);
    expect(nearChance(undefined)).toBe(false);
  });
});
