#!/usr/bin/env bash
# Zero-downtime reload under load, measured: for each scenario, a steady run, then the same load
# while the master reloads every INTERVAL seconds, RELOADS times. Prints a table and writes
# docs/RELOAD.md. Loopback only; about 4 minutes with the defaults.
#
#   bench/reload.sh [--duration SECONDS] [--reloads N] [--interval SECONDS]
source "$(dirname "$0")/lib.sh"
DURATION=30 RELOADS=10 INTERVAL=2.5
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --reloads) RELOADS=$2; shift 2 ;;
    --interval) INTERVAL=$2; shift 2 ;;
    *) echo "usage: bench/reload.sh [--duration S] [--reloads N] [--interval S]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; build

PORT=5180
SLOW_LUA="$RESULTS/slow.lua"
cat > "$SLOW_LUA" <<'LUA'
-- one request in 20 takes half a second: reloads happen with slow requests in flight
local n = 0
request = function()
  n = n + 1
  if n % 20 == 0 then return wrk.format("GET", "/sleep?ms=500") end
  return wrk.format("GET", "/")
end
LUA

# start_master NAME: starts the scenario's master in the background; sets MASTER.
start_master() {
  (
    case "$1" in # exec: $! must be the master itself, the process that takes the signals
      library) exec "$JAVA" -Dclusterflock.workers=2 -Dclusterflock.port=$PORT -jar "$ROOT/examples/hello/target/hello.jar" ;;
      demo) exec "$CLUSTERFLOCK" demo -w 2 -p $PORT ;;
      command) exec "$CLUSTERFLOCK" run -w 2 -p $PORT --ready-when ready -- python3 "$ROOT/examples/python/server.py" ;;
    esac
  ) > "$RESULTS/reload-$1.log" 2>&1 &
  MASTER=$!
  trap 'stop $MASTER' EXIT
  wait_http $PORT
}

# scenario LABEL MASTER-KIND WRK-ARGS...: one row of the table.
scenario() {
  local label=$1 kind=$2; shift 2
  start_master "$kind"
  wrk_run "$RESULTS/warm.txt" -t2 -c50 -d5s "$@" "http://127.0.0.1:$PORT/"
  wrk_run "$RESULTS/steady.txt" -t2 -c50 -d"${DURATION}s" "$@" "http://127.0.0.1:$PORT/"
  ( for _ in $(seq 1 "$RELOADS"); do sleep "$INTERVAL"; kill -USR2 "$MASTER"; done ) &
  local reloader=$!
  wrk_run "$RESULTS/reload.txt" -t2 -c50 -d"${DURATION}s" "$@" "http://127.0.0.1:$PORT/"
  wait $reloader || true
  stop "$MASTER"
  local steady reload
  steady=$(wrk_rps "$RESULTS/steady.txt"); reload=$(wrk_rps "$RESULTS/reload.txt")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$(wrk_requests "$RESULTS/reload.txt")" \
    "$(wrk_errors "$RESULTS/reload.txt")" "$(wrk_non2xx "$RESULTS/reload.txt")" "$steady" "$reload" \
    "$(ratio "$reload" "$steady")" "$(wrk_p99 "$RESULTS/steady.txt")" "$(wrk_p99 "$RESULTS/reload.txt")"
  { echo "### $label"; echo; echo '```'; cat "$RESULTS/reload.txt"; echo '```'; echo; } >> "$RESULTS/raw.md"
}

: > "$RESULTS/raw.md"
TABLE=$(
  echo "| scenario | requests during reloads | socket errors | non-2xx | steady req/s | req/s during reloads | ratio | p99 steady ms | p99 during reloads ms |"
  echo "|---|---|---|---|---|---|---|---|---|"
  scenario "library mode (hello.jar), keep-alive" library
  scenario "library mode (hello.jar), connection per request" library -H "Connection: close"
  scenario "Jetty workers, keep-alive, 1 in 20 requests takes 0.5 s" demo -s "$SLOW_LUA"
  scenario "command mode (Python, ready via sd_notify), keep-alive" command
)
echo "$TABLE"
{
  echo "# Reload under load"
  echo
  echo "Produced by \`bench/reload.sh\` on $(date -u +%Y-%m-%d): $RELOADS reloads (SIGUSR2), one every ${INTERVAL} s,"
  echo "during a ${DURATION} s wrk run (2 threads, 50 connections, 127.0.0.1), against a ${DURATION} s steady run"
  echo "just before it. 2 workers. Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),"
  echo "$("$JAVA" -version 2>&1 | head -1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)."
  echo
  echo "$TABLE"
  echo
  echo "## Raw wrk output of the runs with reloads"
  echo
  cat "$RESULTS/raw.md"
} > "$ROOT/docs/RELOAD.md"
echo "written: docs/RELOAD.md"
