// Shaping the model's calibration table for a plot (tests/scoring.test.js).

// Bins {lo, hi, n, predicted, observed} → points [predicted, observed, n]
// for the bins that hold rows, and the diagonal of perfect calibration.
export function calibrationSeries(bins) {
  const predicted = bins.filter((b) => b.n > 0).map((b) => [b.predicted, b.observed, b.n]);
  return { predicted, diagonal: [[0, 0], [1, 1]] };
}

// The mean absolute gap between predicted and observed, weighted by rows.
export function calibrationError(bins) {
  const n = bins.reduce((a, b) => a + b.n, 0);
  if (!n) return null;
  return bins.reduce((a, b) => a + b.n * Math.abs(b.predicted - b.observed), 0) / n;
}
