#!/usr/bin/env bash
# Recycling by request count: clusterflock's demo, 2 workers, `--max-requests 1000`, under keep-alive
# load. From the master's JSON events (--log-format json), every recycle by max-requests
# ("stopping" with cause "max-requests": the replacement is ready and the old worker drains): how
# many requests the worker had served when it was told to stop, against its limit (1000 plus up to
# --max-requests-jitter, a tenth). (Its replacement starts half-way, at the "recycling" event.) Also
# the failed requests, and req/s against the same load on the same demo without --max-requests.
# Twice: under a saturating load (wrk as fast as it goes), and under a paced one (10 connections,
# each request waiting 10 ms in the handler: about 450 requests/s per worker, a limit of 1000
# reached in about 2 s, longer than a worker takes to start).
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
  wrk_run "$OUT/$name-warm.txt" "${LOAD[@]}" -d5s "http://127.0.0.1:$PORT/"
  # the recycles counted are those of the measured run only
  local from; from=$(grep -c '^{"ts":' "$OUT/$name.log" || true)
  wrk_run "$OUT/$name.txt" "${LOAD[@]}" -d"${DURATION}s" "http://127.0.0.1:$PORT/"
  sleep 1 # the master logs what it saw last
  bg_stop "$BG"
  grep '^{"ts":' "$OUT/$name.log" | tail -n +"$((from + 1))" > "$OUT/$name.events"
  { echo "#### recycle: $name"; echo; echo '```'; cat "$OUT/$name.txt"; echo '```'; echo; } >> "$RESULTS/recycle-raw.md"
}

PACED_LUA="$OUT/paced.lua"
cat > "$PACED_LUA" <<'LUA'
-- every request waits 10 ms in the handler: about 100 requests/s per connection
request = function() return wrk.format("GET", "/sleep?ms=10") end
LUA

train_aot_cache "$((PORT + 9))" "$OUT/train.log"
LOAD=(-t"$THREADS" -c"$CONNS")
run steady
run recycle --max-requests "$MAX_REQUESTS"
LOAD=(-t2 -c10 -s "$PACED_LUA")
run paced-steady
run paced --max-requests "$MAX_REQUESTS"

# recycles NAME: "count median max limits forks" of the recycles by max-requests in NAME's measured run
recycles() {
  events "$OUT/$1.events" '.[] | select(.event == "stopping" and .cause == "max-requests") | "\(.requests) \(.requestLimit)"' > "$OUT/$1.recycles"
  local count median max limits forks
  read -r count median max <<< "$(cut -d' ' -f1 "$OUT/$1.recycles" | median_max)"
  limits=$(cut -d' ' -f2 "$OUT/$1.recycles" | sort -n | sed -n '1p;$p' | paste -sd- -)
  forks=$(events "$OUT/$1.events" '[.[] | select(.event == "fork")] | length')
  echo "$count $median $max ${limits:-–} $forks"
}
read -r count median max limits forks <<< "$(recycles recycle)"
read -r pcount pmedian pmax plimits pforks <<< "$(recycles paced)"
s="$OUT/steady.txt" r="$OUT/recycle.txt" ps="$OUT/paced-steady.txt" p="$OUT/paced.txt"
failed=$(wrk_failed "$r")
pfailed=$(wrk_failed "$p")
{
  echo "| run | requests | req/s | × steady | p99 ms | failed | recycles by max-requests | requests at a recycle, median | max | limits (with jitter) | workers forked |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  echo "| steady (no \`--max-requests\`) | $(wrk_requests "$s") | $(rps_int "$s") | 1.00 | $(wrk_pct "$s" "99%") | $(wrk_failed "$s") | – | – | – | – | – |"
  echo "| \`--max-requests $MAX_REQUESTS\` | $(wrk_requests "$r") | $(rps_int "$r") | $(ratio "$(rps_int "$r")" "$(rps_int "$s")") | $(wrk_pct "$r" "99%") | $failed ($(wrk_errors "$r") socket errors, $(wrk_non2xx "$r") non-2xx) | $count | $median | $max | $limits | $forks |"
  echo "| paced, steady (no \`--max-requests\`) | $(wrk_requests "$ps") | $(rps_int "$ps") | 1.00 | $(wrk_pct "$ps" "99%") | $(wrk_failed "$ps") | – | – | – | – | – |"
  echo "| paced, \`--max-requests $MAX_REQUESTS\` | $(wrk_requests "$p") | $(rps_int "$p") | $(ratio "$(rps_int "$p")" "$(rps_int "$ps")") | $(wrk_pct "$p" "99%") | $pfailed ($(wrk_errors "$p") socket errors, $(wrk_non2xx "$p") non-2xx) | $pcount | $pmedian | $pmax | $plimits | $pforks |"
  echo
  echo "The demo (\`bin/clusterflock demo -w $WORKERS\`, its defaults otherwise: the automatic AOT cache, trained before"
  echo "when missing), wrk ${THREADS} threads, ${CONNS} keep-alive connections, ${DURATION} s after a 5 s warm-up; first without"
  echo "\`--max-requests\`, then with it. \"Paced\": wrk 2 threads, 10 connections, every request \`GET /sleep?ms=10\`."
  echo "\"Requests at a recycle\": the \`requests\` of each \`stopping\` event with"
  echo "cause \`max-requests\` in the master's JSON log during the measured run, the count the worker had"
  echo "reported when the master told it to stop (its replacement, started half-way, is ready, and it has reached its limit);"
  echo "\"limits\": the lowest and highest \`requestLimit\` (--max-requests plus its jitter)."
} > "$RESULTS/recycle.md"
{
  echo "| recycle: requests served by a worker before its recycle by \`--max-requests $MAX_REQUESTS\`, max ≤ $((2 * MAX_REQUESTS)) (saturating keep-alive load) | max $max (median $median; recycles: $count) | $(awk -v m="$max" -v l="$((2 * MAX_REQUESTS))" 'BEGIN { print (m != "n/a" && m <= l) ? "met" : "**missed**" }') |"
  echo "| recycle: the same, paced load (about 450 requests/s per worker) | max $pmax (median $pmedian; recycles: $pcount) | $(awk -v m="$pmax" -v l="$((2 * MAX_REQUESTS))" 'BEGIN { print (m != "n/a" && m <= l) ? "met" : "**missed**" }') |"
  echo "| recycle: 0 failed requests with \`--max-requests $MAX_REQUESTS\` | $failed, paced $pfailed | $([ "$failed" = 0 ] && [ "$pfailed" = 0 ] && echo met || echo '**missed**') |"
} > "$RESULTS/recycle.targets"
cat "$RESULTS/recycle.md"; echo; cat "$RESULTS/recycle.targets"
