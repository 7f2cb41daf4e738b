#!/usr/bin/env bash
# Recycling by request count: clusterflock's demo, 2 workers, `--max-requests 1000`, under keep-alive
# load. From the master's JSON events (--log-format json), every recycle by max-requests
# ("recycling" with cause "max-requests"): how many requests the worker had served when the master
# decided to replace it, against its limit (1000 plus up to --max-requests-jitter, a tenth). Also
# the failed requests, and req/s against the same load on the same demo without --max-requests.
# Target: no worker serves more than twice its --max-requests (max ≤ 2000); 0 failed requests.
# Writes bench/results/recycle.{md,targets}; about 1.5 minutes.
#
#   bench/recycle.sh [--duration S] [--workers N] [--max-requests N]
source "$(dirname "$0")/lib.sh"
DURATION=30 WORKERS=2 MAX_REQUESTS=1000 THREADS=2 CONNS=50
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --max-requests) MAX_REQUESTS=$2; shift 2 ;;
    *) echo "usage: bench/recycle.sh [--duration S] [--workers N] [--max-requests N]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; need jq; build
use_cleanup

OUT="$RESULTS/recycle"
rm -rf "$OUT"; mkdir -p "$OUT"
PORT=5290
: > "$RESULTS/recycle-raw.md"

# run NAME [clusterflock flags...]: a 5 s warm-up, then DURATION s of load; wrk's output in $OUT/NAME.txt
run() {
  local name=$1; shift
  PORT=$((PORT + 1))
  echo "bench: recycle, $name" >&2
  start_demo "$PORT" "$WORKERS" "$OUT/$name.log" --log-format json "$@"
  wrk_run "$OUT/$name-warm.txt" -t"$THREADS" -c"$CONNS" -d5s "http://127.0.0.1:$PORT/"
  # the recycles counted are those of the measured run only
  local from; from=$(grep -c '^{"ts":' "$OUT/$name.log" || true)
  wrk_run "$OUT/$name.txt" -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "http://127.0.0.1:$PORT/"
  sleep 1 # the master logs what it saw last
  bg_stop "$BG"
  grep '^{"ts":' "$OUT/$name.log" | tail -n +"$((from + 1))" > "$OUT/$name.events"
  { echo "#### recycle: $name"; echo; echo '```'; cat "$OUT/$name.txt"; echo '```'; echo; } >> "$RESULTS/recycle-raw.md"
}

train_aot_cache "$((PORT + 9))" "$OUT/train.log"
run steady
run recycle --max-requests "$MAX_REQUESTS"

# the requests of every recycle by max-requests in the measured run, and the limits they passed
events "$OUT/recycle.events" '.[] | select(.event == "recycling" and .cause == "max-requests") | "\(.requests) \(.requestLimit)"' > "$OUT/recycles"
read -r count median max <<< "$(cut -d' ' -f1 "$OUT/recycles" | median_max)"
limits=$(cut -d' ' -f2 "$OUT/recycles" | sort -n | sed -n '1p;$p' | paste -sd- -)
forks=$(events "$OUT/recycle.events" '[.[] | select(.event == "fork")] | length')
s="$OUT/steady.txt" r="$OUT/recycle.txt"
failed=$(wrk_failed "$r")
{
  echo "| run | requests | req/s | × steady | p99 ms | failed | recycles by max-requests | requests at a recycle, median | max | limits (with jitter) | workers forked |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  echo "| steady (no \`--max-requests\`) | $(wrk_requests "$s") | $(rps_int "$s") | 1.00 | $(wrk_pct "$s" "99%") | $(wrk_failed "$s") | – | – | – | – | – |"
  echo "| \`--max-requests $MAX_REQUESTS\` | $(wrk_requests "$r") | $(rps_int "$r") | $(ratio "$(rps_int "$r")" "$(rps_int "$s")") | $(wrk_pct "$r" "99%") | $failed ($(wrk_errors "$r") socket errors, $(wrk_non2xx "$r") non-2xx) | $count | $median | $max | ${limits:-–} | $forks |"
  echo
  echo "The demo (\`bin/clusterflock demo -w $WORKERS\`, its defaults otherwise: the automatic AOT cache, trained before"
  echo "when missing), wrk ${THREADS} threads, ${CONNS} keep-alive connections, ${DURATION} s after a 5 s warm-up; first without"
  echo "\`--max-requests\`, then with it. \"Requests at a recycle\": the \`requests\` of each \`recycling\` event with"
  echo "cause \`max-requests\` in the master's JSON log during the measured run, the count the worker had"
  echo "reported when the master decided to replace it (it serves on until its replacement is ready);"
  echo "\"limits\": the lowest and highest \`requestLimit\` (--max-requests plus its jitter)."
} > "$RESULTS/recycle.md"
{
  echo "| recycle: requests served by a worker before its recycle by \`--max-requests $MAX_REQUESTS\`, max ≤ $((2 * MAX_REQUESTS)) (keep-alive load) | max $max (median $median; recycles: $count) | $(awk -v m="$max" -v l="$((2 * MAX_REQUESTS))" 'BEGIN { print (m != "n/a" && m <= l) ? "met" : "**missed**" }') |"
  echo "| recycle: 0 failed requests with \`--max-requests $MAX_REQUESTS\` | $failed | $([ "$failed" = 0 ] && echo met || echo '**missed**') |"
} > "$RESULTS/recycle.targets"
cat "$RESULTS/recycle.md"; echo; cat "$RESULTS/recycle.targets"
