#!/usr/bin/env bash
# AOT cache and warm-up: `kill -9` to the one demo worker (`bin/clusterflock demo -w 1`), then the
# time until its replacement answers, and until it serves at 80 % or more of a warm worker's rate
# (wrk in 1 s slices from the first answer on, keep-alive, 10 connections, loopback). Variants: no
# cache (`--aot-cache off`); the automatic AOT cache, trained first by one worker under a short
# load; the same with `-XX:+AOTCompileEagerly` (experimental: compile the methods the cache has
# profiles for as soon as they are first called, instead of after their invocation counters say so).
# Writes bench/results/aot-warmup.md; about 2 minutes per variant with the defaults.
#
#   bench/aot-warmup.sh [--kills N] [--variants off,aot,eager]
source "$(dirname "$0")/lib.sh"
KILLS=5 VARIANTS=off,aot,eager
SLICES=15       # at most this many 1 s slices after each kill
SHARE=80        # "warm" is this percentage of the warm worker's rate
while [ $# -gt 0 ]; do
  case "$1" in
    --kills) KILLS=$2; shift 2 ;;
    --variants) VARIANTS=$2; shift 2 ;;
    --duration) shift 2 ;; # all.sh passes it to every part; kills, not seconds, bound this one
    *) echo "usage: bench/aot-warmup.sh [--kills N] [--variants off,aot,eager]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; build
use_cleanup

OUT="$RESULTS/aot-warmup"
rm -rf "$OUT"; mkdir -p "$OUT"
PORT=5270
STABLE_MS=10500 # clusterflock's Backoff.STABLE_AFTER (10 s) and a margin: a kill is re-forked at once
EAGER="-XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly"
ROWS=""

worker_pid() { curl -s --max-time 10 "$1" 2>/dev/null | sed -n 's/.*(pid \([0-9]*\)).*/\1/p'; }
# stats: min / median / max of the numbers on stdin
stats() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) { print "n/a|n/a|n/a"; exit } printf "%d|%d|%d\n", v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }'; }
median_of_column() { awk -v c="$2" '{ print $c }' "$1" | stats | cut -d'|' -f2; }

# flags VARIANT: the clusterflock flags of a variant
flags() {
  case "$1" in
    off) echo "--aot-cache off" ;;
    aot) echo "--aot-cache-dir $OUT/cache-aot" ;;
    eager) echo "--aot-cache-dir $OUT/cache-eager" ;;
  esac
}

# train VARIANT: one demo worker records the variant's cache under a short load, stopped gracefully.
train() {
  local v=$1 extra=()
  [ "$v" = eager ] && extra=(-e "JDK_JAVA_OPTIONS=$EAGER")
  PORT=$((PORT + 1))
  echo "bench: training run for $v" >&2
  # shellcheck disable=SC2046
  start_demo "$PORT" 1 "$OUT/train-$v.log" -t 120s $(flags "$v") "${extra[@]}"
  wrk_run "$OUT/train-$v.txt" -t1 -c10 -d3s "http://127.0.0.1:$PORT/"
  bg_stop "$BG"
  ls "$OUT/cache-$v"/*.aot >/dev/null 2>&1 || { echo "bench: the $v training run wrote no cache" >&2; return 1; }
}

# variant NAME LABEL
variant() {
  local v=$1 label=$2 extra=()
  [ "$v" = eager ] && extra=(-e "JDK_JAVA_OPTIONS=$EAGER")
  PORT=$((PORT + 1))
  local url="http://127.0.0.1:$PORT/" log="$OUT/$v.log" runs="$OUT/$v.runs"
  echo "bench: $label" >&2
  : > "$runs"
  # shellcheck disable=SC2046
  start_demo "$PORT" 1 "$log" -t 120s $(flags "$v") "${extra[@]}"
  wrk_run "$OUT/$v-warmup.txt" -t1 -c10 -d10s "$url"
  wrk_run "$OUT/$v-warm.txt" -t1 -c10 -d3s "$url"
  local warm; warm=$(rps_int "$OUT/$v-warm.txt")
  local target=$((warm * SHARE / 100))
  local up; up=$(now_ms)
  local k old new t0 first reached s rate rates
  for k in $(seq 1 "$KILLS"); do
    local wait_ms=$((up + STABLE_MS - $(now_ms)))
    [ "$wait_ms" -le 0 ] || sleep "$(awk -v m="$wait_ms" 'BEGIN { printf "%.3f", m / 1000 }')"
    old=$(worker_pid "$url")
    [ -n "$old" ] || { echo "bench: no worker answered" >&2; return 1; }
    t0=$(now_ms)
    kill -KILL "$old"
    new=""
    until [ -n "$new" ] && [ "$new" != "$old" ]; do
      new=$(worker_pid "$url")
      [ $(( $(now_ms) - t0 )) -lt 60000 ] || { echo "bench: no replacement within 60 s" >&2; return 1; }
    done
    first=$(( $(now_ms) - t0 )); up=$(now_ms)
    reached="" rates=""
    for s in $(seq 1 "$SLICES"); do
      wrk_run "$OUT/$v-kill$k-slice$s.txt" -t1 -c10 -d1s "$url"
      rate=$(rps_int "$OUT/$v-kill$k-slice$s.txt")
      rates="$rates $rate"
      if [ "$rate" -ge "$target" ]; then reached=$(( $(now_ms) - t0 )); break; fi
    done
    echo "$first ${reached:-99999} $rates" >> "$runs"
    echo "bench:   kill $k: answers after $first ms, ≥ $SHARE % of $warm req/s after ${reached:-(not within $SLICES s)} ms; 1 s slices:$rates" >&2
  done
  bg_stop "$BG"
  local fmin fmed fmax wmin wmed wmax s1 s2 s3
  IFS='|' read -r fmin fmed fmax <<< "$(awk '{ print $1 }' "$runs" | stats)"
  IFS='|' read -r wmin wmed wmax <<< "$(awk '{ print $2 }' "$runs" | stats)"
  s1=$(median_of_column "$runs" 3); s2=$(median_of_column "$runs" 4); s3=$(median_of_column "$runs" 5)
  ROWS="$ROWS| $label | $KILLS | $warm | $fmin / $fmed / $fmax | $wmin / $wmed / $wmax | $s1 | $s2 | $s3 |
"
}

for v in ${VARIANTS//,/ }; do
  case "$v" in
    off) variant off "no cache (\`--aot-cache off\`)" ;;
    aot) train aot && variant aot "AOT cache (the default)" ;;
    eager) train eager && variant eager "AOT cache + \`-XX:+AOTCompileEagerly\`" ;;
    *) echo "bench: unknown variant $v" >&2; exit 2 ;;
  esac
done

{
  echo "| demo worker | kills | warm worker, req/s | kill → answers, ms min / median / max | kill → ≥ $SHARE % of warm, ms min / median / max | 1st second after the answer, req/s (median) | 2nd | 3rd |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$ROWS"
  echo
  echo "One worker (\`bin/clusterflock demo -w 1\`), wrk -t1 -c10 (keep-alive) on 127.0.0.1; the warm rate is"
  echo "3 s of wrk after 10 s of warm-up. After each kill: curl until the replacement answers, then wrk in"
  echo "1 s slices until one reaches $SHARE % of the warm rate (99999: not within $SLICES slices). Each kill"
  echo "waits until the worker has been up 10.5 s. Machine: $(nproc) cores, load average at the end:"
  echo "$(cut -d' ' -f1-3 /proc/loadavg)."
} > "$RESULTS/aot-warmup.md"
cat "$RESULTS/aot-warmup.md"
