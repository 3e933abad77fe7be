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

// How far a cross-validated AUC lets a team trust the model's ranking:
// 'chance' below 0.6 (a probability no better than a coin: follow the
// points score), 'weak' below 0.7, 'fair' below 0.8, else 'good'; null
// when there is no figure. With a few dozen outcomes the figure itself
// moves by a few hundredths, so the bands are wide on purpose.
export function aucVerdict(auc) {
  if (typeof auc !== 'number' || !Number.isFinite(auc)) return null;
  if (auc < 0.6) return 'chance';
  if (auc < 0.7) return 'weak';
  if (auc < 0.8) return 'fair';
  return 'good';
}

// Whether the model behind the leads' probabilities (GET /scoring/model's
// `model`, null before one) ranks no better than chance: its probability
// should not pick whom to call.
export function nearChance(model) {
  return aucVerdict(model?.auc_cv) === 'chance';
}

// The Element Plus tag type of a verdict.
export const verdictTag = { chance: 'danger', weak: 'warning', fair: 'success', good: 'success' };
