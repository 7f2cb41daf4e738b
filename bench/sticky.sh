#!/usr/bin/env bash
# Sticky sessions against the shared queue: clusterflock's demo with its default (every worker takes
# from one socket) and with --sticky (a socket per slot, the kernel picking it by client address).
# wrk connects from one address only, so the load here is bench/sticky/StickyLoad.java: connections
# from 16 loopback addresses (127.0.0.2…17), keep-alive and a connection per request, counting the
# answers per worker and how many clients were answered by one worker only. Then the same keep-alive
# load while one worker is killed (kill -9) 5 s in: failed requests, p99 and the slowest request.
# Writes bench/results/sticky.{md,targets}; about 3 minutes.
#
#   bench/sticky.sh [--duration S] [--workers N]
source "$(dirname "$0")/lib.sh"
DURATION=15 WORKERS=4 CLIENTS=16
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    *) echo "usage: bench/sticky.sh [--duration S] [--workers N]" >&2; exit 2 ;;
  esac
done
need curl; need jq; build
use_cleanup

OUT="$RESULTS/sticky"
rm -rf "$OUT"; mkdir -p "$OUT"
PORT=5320
LOAD="$ROOT/bench/sticky/StickyLoad.java"
ROWS="" TARGETS=""

# measure NAME CONNECTIONS keepalive|close [kill]: one run against a fresh demo; StickyLoad's line in $OUT/NAME.txt
measure() {
  local name=$1 conns=$2 mode=$3 kill=${4:-} flags=()
  case "$name" in sticky*) flags=(--sticky) ;; esac
  PORT=$((PORT + 1))
  echo "bench: sticky, $name" >&2
  start_demo "$PORT" "$WORKERS" "$OUT/$name.log" --log-format json "${flags[@]}"
  "$JAVA" "$LOAD" "$PORT" 3 "$conns" "$CLIENTS" "$mode" > "$OUT/$name-warm.txt" # warm-up
  "$JAVA" "$LOAD" "$PORT" "$DURATION" "$conns" "$CLIENTS" "$mode" > "$OUT/$name.txt" &
  local load=$!
  if [ -n "$kill" ]; then
    sleep 5
    local victim; victim=$(live_pids "$OUT/$name.log" | head -1)
    echo "bench: kill -9 $victim" >&2
    kill -9 "$victim" 2>/dev/null || true
  fi
  wait "$load"
  bg_stop "$BG"
}
# field NAME KEY: a value of StickyLoad's line
field() { tr ' ' '\n' < "$OUT/$1.txt" | awk -F= -v k="$2" '$1 == k {print $2}'; }
row() { # LABEL NAME
  ROWS+="| $1 | $(field "$2" requests) | $(field "$2" rps) | $(field "$2" p50ms) | $(field "$2" p99ms) | $(field "$2" maxms) | $(field "$2" errors) | $(field "$2" perWorker) | $(field "$2" clientsOnOneWorker) |
"
}

train_aot_cache "$((PORT + 50))" "$OUT/train.log"
measure shared-ka 64 keepalive
measure sticky-ka 64 keepalive
measure shared-close 16 close
measure sticky-close 16 close
measure shared-kill 64 keepalive kill
measure sticky-kill 64 keepalive kill
row "shared queue (default), keep-alive, 64 connections" shared-ka
row "\`--sticky\`, keep-alive, 64 connections" sticky-ka
row "shared queue (default), a connection per request, 16 connections" shared-close
row "\`--sticky\`, a connection per request, 16 connections" sticky-close
row "shared queue, keep-alive, worker killed 5 s in" shared-kill
row "\`--sticky\`, keep-alive, worker killed 5 s in" sticky-kill

ratio_ka=$(ratio "$(field sticky-ka rps)" "$(field shared-ka rps)")
ratio_close=$(ratio "$(field sticky-close rps)" "$(field shared-close rps)")
one=$(field sticky-close clientsOnOneWorker)
{
  echo "| run | requests | req/s | p50 ms | p99 ms | slowest ms | failed | answers per worker (id 0, 1, …) | clients answered by one worker only |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$ROWS"
  echo
  echo "The demo (\`bin/clusterflock demo -w $WORKERS\`, its defaults otherwise, or with \`--sticky\`), loaded by"
  echo "bench/sticky/StickyLoad.java for ${DURATION} s after 3 s of warm-up: its connections come from $CLIENTS"
  echo "addresses, 127.0.0.2 to 127.0.0.$((CLIENTS + 1)), connection i from address i mod $CLIENTS. In the last two"
  echo "runs the first worker forked (from the master's JSON log) gets \`kill -9\` 5 s into the load."
} > "$RESULTS/sticky.md"
{
  echo "| sticky: every client answered by one worker only, a connection per request | $one | $([ "${one%/*}" = "${one#*/}" ] && echo met || echo '**missed**') |"
  echo "| sticky: req/s against the shared queue, keep-alive / a connection per request (information) | × $ratio_ka / × $ratio_close | – |"
} > "$RESULTS/sticky.targets"
cat "$RESULTS/sticky.md"; echo; cat "$RESULTS/sticky.targets"
