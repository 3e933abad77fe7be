#!/usr/bin/python3
"""The tuned baseline for bench/model_compare.sh.

Usage: tuned_gbm.py DATA.csv FOLDS.txt [SEED]

DATA.csv has a header; the column `won` (0/1) is the outcome, every other
column a feature: a cell that parses as a number is a number, any other
non-empty cell a category, an empty cell missing. This is the same reading
as bench/model_compare.cc gives the same file.

Writes FOLDS.txt (one outer fold, 0-4, per data row; stratified, seeded) so
that Qunying's trainer is scored on exactly the same splits, then for each
outer fold fits scikit-learn's HistGradientBoostingClassifier tuned by a
grid search with 3-fold inner cross-validation on the training part only,
and prints one line per fold: `fold F auc A params P`. The last line is
`mean A`.
"""
import csv
import math
import sys

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold

GRID = {
    "learning_rate": [0.05, 0.1],
    "max_leaf_nodes": [4, 15, 31],
    "min_samples_leaf": [20, 100],
    "l2_regularization": [0.0, 1.0],
}


def as_number(cell):
    try:
        v = float(cell)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    label = header.index("won")
    names = [h for i, h in enumerate(header) if i != label]
    cols = [[r[i] for r in body] for i in range(len(header)) if i != label]
    y = np.array([int(r[label]) for r in body])
    x = np.empty((len(body), len(cols)))
    categorical = []
    for j, col in enumerate(cols):
        numbers = [as_number(c) if c != "" else math.nan for c in col]
        if all(v is not None for v in numbers):
            x[:, j] = numbers
            categorical.append(False)
            continue
        # A column with any text is categorical, as in FeatureSchema::Fit.
        codes = {v: k for k, v in enumerate(sorted({c for c in col if c}))}
        x[:, j] = [codes[c] if c else math.nan for c in col]
        categorical.append(True)
    return names, x, y, np.array(categorical)


def main():
    data, folds_path = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    names, x, y, categorical = load(data)
    outer = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    fold = np.zeros(len(y), dtype=int)
    for f, (_, test) in enumerate(outer.split(x, y)):
        fold[test] = f
    with open(folds_path, "w") as out:
        out.writelines(f"{f}\n" for f in fold)
    aucs = []
    for f in range(5):
        train, test = fold != f, fold == f
        model = HistGradientBoostingClassifier(
            max_iter=300,
            early_stopping=True,
            n_iter_no_change=20,
            categorical_features=categorical if categorical.any() else None,
            random_state=seed,
        )
        search = GridSearchCV(
            model,
            GRID,
            scoring="roc_auc",
            cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=seed),
            n_jobs=2,
        )
        search.fit(x[train], y[train])
        p = search.predict_proba(x[test])[:, 1]
        auc = roc_auc_score(y[test], p)
        aucs.append(auc)
        print(f"fold {f} auc {auc:.4f} params {search.best_params_}", flush=True)
    print(f"mean {np.mean(aucs):.4f}")


if __name__ == "__main__":
    main()
