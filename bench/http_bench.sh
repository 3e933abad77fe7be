#!/usr/bin/env bash
# HTTP throughput under wrk on loopback: /healthz (the floor of the HTTP
# stack) side by side with an authenticated JSON endpoint (/api/v1/auth/me:
# token hash + session read + user read + envelope). Builds the release
# preset, starts `qunying serve` on a temporary database, prints a table.
# Usage: bench/http_bench.sh [seconds=10] [connections=32]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
conns="${2:-32}"
scripts/setup
scripts/build release >/dev/null
bin=build/release/server/qunying
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT

QUNYING_ADMIN_PASSWORD=bench-admin-1 "$bin" serve --db "$tmp/b.db" \
  --data-dir "$tmp/data" --listen 127.0.0.1:0 --log-file "$tmp/log" \
  --threads "$((conns + 8))" >"$tmp/out" &
pid=$!
for _ in $(seq 100); do grep -q "serving on" "$tmp/out" && break; sleep 0.1; done
port=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/out")
base="http://127.0.0.1:$port"
token=$(curl -s -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"bench-admin-1"}' "$base/api/v1/auth/login" |
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "login failed" >&2; exit 1; }

run() {  # name path [header]
  local out
  if [ -n "${3:-}" ]; then
    out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$3" "$base$2")
  else
    out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$base$2")
  fi
  local rps p50 p99 errs
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | awk '/Non-2xx/ {print $5}'; echo "$out" | awk '/Socket errors/ {print $0}')
  printf "%-28s %12s %10s %10s  %s\n" "$1" "$rps" "$p50" "$p99" "${errs:-none}"
  echo "$rps" >"$tmp/$1.rps"
}

echo "wrk -t2 -c$conns -d${secs}s on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
printf "%-28s %12s %10s %10s  %s\n" endpoint "req/s" p50 p99 errors
run healthz /healthz
run auth_me /api/v1/auth/me "Authorization: Bearer $token"
awk -v a="$(cat "$tmp/healthz.rps")" -v b="$(cat "$tmp/auth_me.rps")" \
  'BEGIN {printf "ratio auth_me / healthz: %.2f\n", b / a}'
