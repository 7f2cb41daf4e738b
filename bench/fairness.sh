#!/usr/bin/env bash
# Fairness: how evenly connection-per-request load spreads over the workers. Every answer names
# its worker ("hello from worker <id>"); a wrk Lua script tallies the answers by worker id.
# clusterflock (the demo's Jetty workers and library mode) against Node's cluster module and PM2,
# and against the alternative to one shared queue: N JVMs (bench/baseline, the same handler) that
# each bind the port with SO_REUSEPORT.
# Then the same under keep-alive, with the connections per worker (ss), for comparison.
# Writes bench/results/fairness.{md,targets}; about 5 minutes with the defaults.
#
#   bench/fairness.sh [--duration S] [--workers N] [--threads T] [--connections C]
source "$(dirname "$0")/lib.sh"
DURATION=20 WORKERS=$NCPU THREADS=2 CONNS=50
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    *) echo "usage: bench/fairness.sh [--duration S] [--workers N] [--threads T] [--connections C]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; need_node; build
use_cleanup

OUT="$RESULTS/fairness"
rm -rf "$OUT"; mkdir -p "$OUT"
TALLY="$OUT/tally.lua"
cat > "$TALLY" <<'LUA'
-- Tallies answers by the worker they name; done() prints "worker <id> <count>" lines.
-- Each wrk thread has its own Lua state: counts is global so that done() can read it per thread.
counts = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  local id = body and body:match("worker (%d+)") or "?"
  counts[id] = (counts[id] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for id, n in pairs(t:get("counts")) do total[id] = (total[id] or 0) + n end
  end
  for id, n in pairs(total) do io.write(string.format("tally worker %s %d\n", id, n)) end
end
LUA
PORT=5230
ROWS=""
KA_ROWS=""
TARGETS=""

# spread FILE WORKERS: "per-worker list|total|max/min|CV" from the tally lines of a wrk output (a
# worker that got nothing counts as 0).
spread() {
  awk -v n="$2" '$1=="tally" && $3 ~ /^[0-9]+$/ { c[$3]=$4 }
    END { for (i=0;i<n;i++) { v=(i in c)?c[i]:0; s+=v; ss+=v*v; if (i==0||v>mx) mx=v; if (i==0||v<mn) mn=v; list=list (i?" / ":"") v }
          m=s/n; sd=sqrt(ss/n-m*m); printf "%s|%d|%s|%.3f\n", list, s, (mn>0?sprintf("%.3f", mx/mn):"inf"), (m>0?sd/m:0) }' "$1"
}
# connections PORT WORKERS: established connections to PORT per server process, busiest first
# (from ss); a worker without any counts as 0.
connections() {
  ss -Htnp state established "( sport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | sort | uniq -c | sort -rn \
    | awk -v n="$2" '{ printf "%s%s", (NR > 1 ? " / " : ""), $1 } END { for (i = NR; i < n; i++) printf "%s0", (i ? " / " : "") }'
}

# contender LABEL WORKERS KIND [ours]: start, warm, a counted connection-per-request run, then a
# counted keep-alive run (with the connections per worker sampled halfway), stop.
contender() {
  local label=$1 workers=$2 kind=$3 ours=${4:-} key url
  PORT=$((PORT + 1)); url="http://127.0.0.1:$PORT/"; key="$kind-$workers"
  echo "bench: $label, $workers workers" >&2
  "start_$kind" "$PORT" "$workers" "$OUT/$key.log"
  wrk_run "$OUT/$key-warm.txt" -t"$THREADS" -c"$CONNS" -d5s -H "Connection: close" "$url"
  wrk_run "$OUT/$key.txt" -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -H "Connection: close" -s "$TALLY" "$url"
  wrk --latency -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -s "$TALLY" "$url" > "$OUT/$key-ka.txt" 2>&1 &
  local load=$!
  sleep "$(awk -v d="$DURATION" 'BEGIN { printf "%.1f", d / 2 }')"
  local conns; conns=$(connections "$PORT" "$workers")
  wait "$load" || true
  stop_contender "$kind"
  local list total maxmin cv
  IFS='|' read -r list total maxmin cv <<< "$(spread "$OUT/$key.txt" "$workers")"
  ROWS="$ROWS| $label | $workers | $total | $(rps_int "$OUT/$key.txt") | $list | $maxmin | $cv | $(wrk_failed "$OUT/$key.txt") |
"
  if [ -n "$ours" ]; then
    TARGETS="$TARGETS| busiest / least busy worker ≤ 1.25, $label, $workers workers | $maxmin (CV $cv) | $(awk -v r="$maxmin" 'BEGIN { print (r != "inf" && r <= 1.25) ? "met" : "**missed**" }') |
"
  fi
  IFS='|' read -r list total maxmin cv <<< "$(spread "$OUT/$key-ka.txt" "$workers")"
  KA_ROWS="$KA_ROWS| $label | $workers | ${conns:-?} | $total | $(rps_int "$OUT/$key-ka.txt") | $list | $maxmin | $cv |
"
}

N=$WORKERS
contender "clusterflock demo (Jetty handler)" "$N" demo ours
contender "clusterflock library mode (hello.jar)" "$N" library ours
contender "$N JVMs sharing the port with SO_REUSEPORT, no master (the alternative)" "$N" reuseport
contender "Node cluster module (round-robin by the primary)" "$N" node_cluster
contender "PM2 cluster mode" "$N" pm2
contender "clusterflock demo, twice as many workers as cores" $((2 * N)) demo ours

{
  echo "| contender | workers | requests | req/s | requests per worker (id 0, 1, …) | max / min | coefficient of variation | failed |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$ROWS"
  echo
  echo "wrk ${THREADS} threads, ${CONNS} connections, every request on a new connection (\`Connection: close\`),"
  echo "${DURATION} s after a 5 s warm-up; counts from the worker id in each answer."
  echo
  echo "**Keep-alive, for comparison** (not the target's measure): wrk opens its ${CONNS} connections at once and"
  echo "keeps them, so how they were spread when they were accepted decides each worker's share for the whole"
  echo "run. Connections per worker from \`ss\` halfway through the ${DURATION} s run."
  echo
  echo "| contender | workers | connections per worker (busiest first) | requests | req/s | requests per worker (id 0, 1, …) | max / min | coefficient of variation |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$KA_ROWS"
} > "$RESULTS/fairness.md"
printf '%s' "$TARGETS" > "$RESULTS/fairness.targets"
{
  for f in "$OUT"/*-[0-9]*.txt; do
    case "$f" in *-warm.txt) continue ;; esac
    echo "#### fairness $(basename "$f" .txt)"; echo; echo '```'; cat "$f"; echo '```'; echo
  done
} > "$RESULTS/fairness-raw.md"
cat "$RESULTS/fairness.md"; echo; cat "$RESULTS/fairness.targets"
