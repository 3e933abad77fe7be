#!/usr/bin/env bash
# Check-in ingest under wrk on loopback (JSON, unique participants and
# client ids) side by side with /healthz on the same server.
# Usage: bench/checkin_bench.sh [seconds=8] [connections=32] [participants=200000]
# Runs ROUNDS (default 3) rounds of /healthz then check-ins, each round's
# check-ins into a campaign of its own. Prints each run's req/s, latency
# and the server's CPU time per request (user+system, from /proc/PID/stat
# around each wrk run), each round's ratio and the median ratio: the load
# on this machine drifts between runs, and a ratio taken from runs far
# apart in time would measure that drift.
# Env: DB_READERS (pooled read connections, default 4); DB_WRITER_NICE
# (the writer thread's nice, default the server's -5; 0 to compare); PERF=1
# records the
# server with `perf record -g` during the check-in run and prints the share
# of time per library (kernel, libc, SQLite, qunying …); needs perf
# (Debian package linux-perf).
# PHOTO=1: every check-in is multipart with a 720x960 JPEG of Chinese text
# (each made unique), stored on disk and synced before its commit as the
# server does; OCR is off (--ocr-workers 0) so that the figure is ingest,
# not recognition (bench/ocr_bench for that).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-8}"; conns="${2:-32}"; people="${3:-200000}"; rounds="${ROUNDS:-3}"
scripts/setup
scripts/build release >/dev/null
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
photo=""; ocr_flags=()  # The photo file (PHOTO=1), or none.
if [ "${PHOTO:-0}" = 1 ]; then photo="$tmp/photo.jpg"; ocr_flags=(--ocr-workers 0); fi
PHOTO_OUT="$photo" build/release/bench/checkin_setup "$tmp/c.db" "$tmp/tokens" \
  "$people" "$rounds"
[ -z "$photo" ] || echo "photo check-ins: $(stat -c %s "$photo") bytes of JPEG each"
# The setup's writes on disk now: written back by the kernel half a
# minute later, they stalled the commits of the second round (p99 50 ms).
sync
build/release/server/qunying serve --db "$tmp/c.db" --data-dir "$tmp/data" \
  --listen 127.0.0.1:0 --log-file "$tmp/log" --log-level "${LOG_LEVEL:-info}" --db-sync "${DB_SYNC:-full}" \
  --threads "$((conns + 8))" --db-readers "${DB_READERS:-4}" \
  --db-writer-nice "${DB_WRITER_NICE:--5}" \
  --admin-password bench-admin-1 "${ocr_flags[@]}" >"$tmp/out" &
pid=$!
for _ in $(seq 100); do grep -q "serving on" "$tmp/out" && break; sleep 0.1; done
port=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/out")
base="http://127.0.0.1:$port"
# Measure the steady state: the OCR workers' engines take about a second of
# CPU each to initialise after start, which would land in round 1.
gauge() { curl -s "$base/metrics" | awk -v n="$1" '$1 == n {print $2}'; }
for _ in $(seq 100); do
  [ "$(gauge qunying_ocr_workers_ready)" = "$(gauge qunying_ocr_workers)" ] && break
  sleep 0.1
done

ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }  # utime + stime
row() {  # name, wrk output, server CPU ticks during the run
  local rps p50 p99 non2xx n us
  rps=$(echo "$2" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$2" | awk '$1=="50%" {print $2}')
  p99=$(echo "$2" | awk '$1=="99%" {print $2}')
  non2xx=$(echo "$2" | awk '/Non-2xx/ {print $5}')
  n=$(echo "$2" | awk '/requests in/ {print $1}')
  us=$(awk -v t="$3" -v n="$n" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.0f", t * 1e6 / hz / n}')
  printf "%-22s %12s %10s %10s  %-7s %s\n" "$1" "$rps" "$p50" "$p99" \
    "${non2xx:-0}" "$us"
  echo "$rps" >"$tmp/$1"
  echo "${non2xx:-0}" >"$tmp/$1.non2xx"
}
echo "wrk -t2 -c$conns -d${secs}s, $(getconf _NPROCESSORS_ONLN) cores, $people participants, $rounds rounds"
printf "%-22s %12s %10s %10s  %-7s %s\n" endpoint "req/s" p50 p99 non-2xx \
  "server-us/req"
: >"$tmp/ratios"
for r in $(seq "$rounds"); do
  t0=$(ticks)
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$base/healthz")
  row healthz "$out" "$(($(ticks) - t0))"
  if [ "${PERF:-0}" = 1 ] && [ "$r" = 1 ]; then
    perf record -F 2000 -g -p "$pid" -o "$tmp/perf.data" -- sleep "$secs" \
      >/dev/null 2>&1 &
    perf_pid=$!
  fi
  w0=$(gauge qunying_db_writes_total); c0=$(gauge qunying_db_commits_total)
  t0=$(ticks)
  out=$(PHOTO="$photo" TOKENS="$tmp/tokens" WRK_THREADS=2 CAMPAIGN="$r" wrk -t2 -c"$conns" \
    -d"${secs}s" --latency -s bench/checkin.lua "$base")
  row checkin "$out" "$(($(ticks) - t0))"
  awk -v w="$(gauge qunying_db_writes_total)" -v w0="$w0" \
    -v c="$(gauge qunying_db_commits_total)" -v c0="$c0" \
    'BEGIN {printf "  group commit: %.1f writes per transaction\n", (w - w0) / (c - c0)}'
  awk -v a="$(cat "$tmp/healthz")" -v b="$(cat "$tmp/checkin")" \
    'BEGIN {printf "%.3f\n", b / a}' >"$tmp/ratio"
  # A round that ran out of participants answered 409s, which cost less
  # than check-ins: its ratio would flatter. Give it more participants.
  if [ "$(cat "$tmp/checkin.non2xx")" = 0 ]; then
    cat "$tmp/ratio" >>"$tmp/ratios"
  else
    echo "  round $r not counted: $(cat "$tmp/checkin.non2xx") check-ins refused" \
      "(more than $people in ${secs}s: pass more participants)"
  fi
  if [ "${PERF:-0}" = 1 ] && [ "$r" = 1 ]; then
    wait "$perf_pid" || true
    perf report -i "$tmp/perf.data" --no-children --sort dso -g none 2>/dev/null |
      grep '%' | head -8
  fi
done
echo "ratio checkin / healthz per round: $(paste -sd' ' "$tmp/ratios")"
sort -n "$tmp/ratios" | awk '{v[NR] = $1} END {
  if (NR == 0) { print "no round counted"; exit }
  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "ratio checkin / healthz (median of %d): %.2f\n", NR, m}'
sqlite3 "$tmp/c.db" "SELECT 'check-ins stored: ' || COUNT(*) FROM checkins" 2>/dev/null || true
