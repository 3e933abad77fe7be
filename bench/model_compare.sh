#!/usr/bin/env bash
# Qunying's trainer against a tuned gradient-boosting library, fitted on the
# same columns and scored on the same outer folds (5-fold, stratified).
# The baseline is scikit-learn's HistGradientBoostingClassifier with a grid
# search (24 settings, 3-fold inner CV) on each training part
# (bench/tuned_gbm.py); ours is scoring::Train with its defaults, as
# /scoring/train runs it (bench/model_compare.cc).
#
# Data sets:
#   synthetic-2k, synthetic-20k  the lead generator (scoring/synthetic.h)
#                                as the trainer sees members
#   fair      6,366 people, a 1978 survey (statsmodels): had an affair
#   randhie   20,190 person-years of the RAND health insurance experiment
#             (statsmodels): saw a doctor at all that year
#   cancer    569 breast tumours (scikit-learn): benign — small, numeric
# The real sets ship with Debian's python3-statsmodels and python3-sklearn;
# none of them is sales data, which we do not have (docs/leads.md).
#
# Usage: bench/model_compare.sh [data set ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
/usr/bin/python3 -c 'import sklearn' 2>/dev/null || need+=(python3-sklearn)
/usr/bin/python3 -c 'import statsmodels' 2>/dev/null || need+=(python3-statsmodels)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
fi
scripts/build release >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=build/release/bench/model_compare

build/release/bench/model_compare --synthetic 2000 99 "$tmp/synthetic-2k.csv"
build/release/bench/model_compare --synthetic 20000 99 "$tmp/synthetic-20k.csv"
/usr/bin/python3 - "$tmp" <<'EOF'
import csv, os, sys
import statsmodels.api as sm
from sklearn.datasets import load_breast_cancer
out = sys.argv[1]

def write(name, header, rows):
    with open(os.path.join(out, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)

def num(v):
    return repr(float(v)) if float(v) != int(v) else str(int(v))

fair = sm.datasets.fair.load_pandas().data
cols = [c for c in fair.columns if c != "affairs"]
write("fair", cols + ["won"],
      [[("occ" + num(r[c])) if c.startswith("occupation") else num(r[c])
        for c in cols] + [int(r["affairs"] > 0)] for _, r in fair.iterrows()])
rand = sm.datasets.randhie.load_pandas().data
cols = [c for c in rand.columns if c != "mdvis"]
write("randhie", cols + ["won"],
      [[num(r[c]) for c in cols] + [int(r["mdvis"] > 0)]
       for _, r in rand.iterrows()])
bc = load_breast_cancer()
names = [n.replace(" ", "_") for n in bc.feature_names]
write("cancer", names + ["won"],
      [[num(v) for v in row] + [int(t)] for row, t in zip(bc.data, bc.target)])
EOF

sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(synthetic-2k synthetic-20k fair randhie cancer)
printf "%-14s %7s %6s %12s %12s %9s %9s\n" "data set" rows won% \
  "qunying AUC" "tuned AUC" "diff" "ratio"
for s in "${sets[@]}"; do
  csv="$tmp/$s.csv"
  [ -f "$csv" ] || { echo "no data set $s" >&2; exit 2; }
  /usr/bin/python3 bench/tuned_gbm.py "$csv" "$tmp/$s.folds" >"$tmp/$s.tuned"
  "$bin" "$csv" "$tmp/$s.folds" >"$tmp/$s.ours"
  if [ "${VERBOSE:-0}" = 1 ]; then cat "$tmp/$s.tuned" "$tmp/$s.ours"; fi
  rows=$(($(wc -l <"$csv") - 1))
  won=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "won") c = i; next}
                 {n++; w += $c} END {printf "%.1f", 100 * w / n}' "$csv")
  ours=$(awk '$1 == "mean" {print $2}' "$tmp/$s.ours")
  tuned=$(awk '$1 == "mean" {print $2}' "$tmp/$s.tuned")
  awk -v s="$s" -v r="$rows" -v w="$won" -v a="$ours" -v b="$tuned" 'BEGIN {
    printf "%-14s %7d %6s %12.4f %12.4f %+9.4f %9.3f\n", s, r, w, a, b, a - b, a / b}'
done
