#!/usr/bin/env bash
# AOT cache and warm-up: `kill -9` to the one demo worker (`bin/clusterflock demo -w 1`), then the
# time until its replacement answers, and until it serves at 80 % or more of a warm worker's rate
# (wrk in 1 s slices for 10 s from the first answer on, keep-alive, 10 connections, loopback; the
# warm rate is the best of the variants' warm workers, so every variant aims at the same number).
# Variants: no cache (`--aot-cache off`); the automatic AOT cache, trained first by one worker under
# a short load; the same with `-XX:+AOTCompileEagerly` (experimental: compile the methods the cache
# has profiles for as soon as their class is initialised, instead of once their counters say so).
# Target: the replacement at 80 % of the warm rate within 10 s of the kill (median of the kills),
# without and with the cache. The part "warm-after-kill" of bench/all.sh: writes
# bench/results/warm-after-kill.{md,targets}; about 2 minutes per variant with the defaults.
#
#   bench/aot-warmup.sh [--kills N] [--variants off,aot,eager]
source "$(dirname "$0")/lib.sh"
KILLS=5 VARIANTS=off,aot,eager
SLICES=10       # 1 s slices of wrk after each kill
SHARE=80        # "warm" is this percentage of the warm worker's rate
WITHIN=10       # target: kill -> warm within this many seconds (median)
NAME="warm-after-kill"
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

OUT="$RESULTS/$NAME"
rm -rf "$OUT"; mkdir -p "$OUT"
PORT=5270
STABLE_MS=10500 # clusterflock's Backoff.STABLE_AFTER (10 s) and a margin: a kill is re-forked at once
EAGER="-XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly"

worker_pid() { curl -s --max-time 10 "$1" 2>/dev/null | sed -n 's/.*(pid \([0-9]*\)).*/\1/p'; }
# stats: min / median / max of the numbers on stdin
stats() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) { print "n/a|n/a|n/a"; exit } printf "%d|%d|%d\n", v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }'; }

# flags VARIANT: the clusterflock flags of a variant
flags() {
  case "$1" in
    off) echo "--aot-cache off" ;;
    aot) echo "--aot-cache-dir $OUT/cache-aot" ;;
    eager) echo "--aot-cache-dir $OUT/cache-eager" ;;
  esac
}

# train VARIANT: one demo worker records the variant's cache under a short load, stopped gracefully
# (bench/lib.sh train_aot_cache).
train() {
  local v=$1 extra=()
  [ "$v" = eager ] && extra=(-e "JDK_JAVA_OPTIONS=$EAGER")
  PORT=$((PORT + 1))
  echo "bench: training run for $v" >&2
  # shellcheck disable=SC2046
  train_aot_cache "$PORT" "$OUT/train-$v.log" $(flags "$v") "${extra[@]}"
  ls "$OUT/cache-$v"/*.aot >/dev/null 2>&1 || { echo "bench: the $v training run wrote no cache" >&2; return 1; }
}

# variant NAME: the warm rate into $OUT/NAME.warm, and per kill one line into $OUT/NAME.runs:
# "<ms from the kill to the first answer> <ms from the kill to the end of slice 1>:<req/s> ..."
variant() {
  local v=$1 extra=()
  [ "$v" = eager ] && extra=(-e "JDK_JAVA_OPTIONS=$EAGER")
  PORT=$((PORT + 1))
  local url="http://127.0.0.1:$PORT/" log="$OUT/$v.log" runs="$OUT/$v.runs"
  echo "bench: variant $v" >&2
  : > "$runs"
  # shellcheck disable=SC2046
  start_demo "$PORT" 1 "$log" -t 120s $(flags "$v") "${extra[@]}"
  wrk_run "$OUT/$v-warmup.txt" -t1 -c10 -d10s "$url"
  wrk_run "$OUT/$v-warm.txt" -t1 -c10 -d3s "$url"
  rps_int "$OUT/$v-warm.txt" > "$OUT/$v.warm"
  local up; up=$(now_ms)
  local k old new t0 first s line
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
    line="$first"
    for s in $(seq 1 "$SLICES"); do
      wrk_run "$OUT/$v-kill$k-slice$s.txt" -t1 -c10 -d1s "$url"
      line="$line $(( $(now_ms) - t0 )):$(rps_int "$OUT/$v-kill$k-slice$s.txt")"
    done
    echo "$line" >> "$runs"
    echo "bench:   kill $k: answers after $first ms; slices (ms from the kill:req/s): ${line#* }" >&2
  done
  bg_stop "$BG"
}

# row NAME LABEL TARGET: the table row of a variant, times to TARGET req/s
row() {
  local v=$1 label=$2 target=$3 runs="$OUT/$1.runs"
  local answers warm s1 s2 s3
  answers=$(awk '{ print $1 }' "$runs" | stats | tr '|' '/' | sed 's|/| / |g')
  # the end of the first slice at or above the target (99999: none)
  warm=$(awk -v t="$target" '{ w = 99999; for (i = 2; i <= NF; i++) { split($i, p, ":"); if (p[2] >= t) { w = p[1]; break } } print w }' "$runs" \
    | stats | tr '|' '/' | sed 's|/| / |g')
  s1=$(awk '{ split($2, p, ":"); print p[2] }' "$runs" | stats | cut -d'|' -f2)
  s2=$(awk '{ split($3, p, ":"); print p[2] }' "$runs" | stats | cut -d'|' -f2)
  s3=$(awk '{ split($4, p, ":"); print p[2] }' "$runs" | stats | cut -d'|' -f2)
  echo "| $label | $(wc -l < "$runs") | $(cat "$OUT/$v.warm") | $answers | $warm | $s1 | $s2 | $s3 |"
}
# target NAME LABEL TARGET: the target row of a variant (the median kill -> TARGET req/s)
target() {
  local med
  med=$(awk -v t="$3" '{ w = 99999; for (i = 2; i <= NF; i++) { split($i, p, ":"); if (p[2] >= t) { w = p[1]; break } } print w }' "$OUT/$1.runs" \
    | stats | cut -d'|' -f2)
  echo "| warm after kill: \`kill -9\` → replacement at ≥ $SHARE % of a warm worker's rate within $WITHIN s (median), $2 | $(awk -v m="$med" -v n="$SLICES" 'BEGIN { if (m == "n/a" || m == 99999) print "not within the " n " s measured"; else printf "%.1f s\n", m / 1000 }') | $([ "$med" != n/a ] && [ "$med" -le $((WITHIN * 1000)) ] && echo met || echo '**missed**') |"
}

for v in ${VARIANTS//,/ }; do
  case "$v" in
    off) variant off ;;
    aot) train aot && variant aot ;;
    eager) train eager && variant eager ;;
    *) echo "bench: unknown variant $v" >&2; exit 2 ;;
  esac
done

WARM=$(cat "$OUT"/*.warm | sort -n | tail -1)
TARGET=$((WARM * SHARE / 100))
{
  echo "| demo worker | kills | its warm worker, req/s | kill → answers, ms min / median / max | kill → ≥ $TARGET req/s, ms min / median / max | 1st second after the answer, req/s (median) | 2nd | 3rd |"
  echo "|---|---|---|---|---|---|---|---|"
  for v in ${VARIANTS//,/ }; do
    case "$v" in
      off) row off "no cache (\`--aot-cache off\`)" "$TARGET" ;;
      aot) row aot "AOT cache (the default)" "$TARGET" ;;
      eager) row eager "AOT cache + \`-XX:+AOTCompileEagerly\`" "$TARGET" ;;
    esac
  done
  echo
  echo "One worker (\`bin/clusterflock demo -w 1\`), wrk -t1 -c10 (keep-alive) on 127.0.0.1. A variant's warm"
  echo "rate is 3 s of wrk after 10 s of warm-up; the target, $TARGET req/s, is $SHARE % of the best of them ($WARM)."
  echo "After each kill: curl until the replacement answers, then $SLICES slices of 1 s of wrk; \"kill → ≥ target\""
  echo "is the end of the first slice at or above it (99999: none). Each kill waits until the worker has been"
  echo "up 10.5 s (no crash-loop backoff). Machine: $(nproc) cores, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
} > "$RESULTS/$NAME.md"
for v in ${VARIANTS//,/ }; do
  case "$v" in
    off) target off "no AOT cache (\`--aot-cache off\`)" "$TARGET" ;;
    aot) target aot "the AOT cache (the default)" "$TARGET" ;;
  esac
done > "$RESULTS/$NAME.targets"
cat "$RESULTS/$NAME.md"; echo; cat "$RESULTS/$NAME.targets"
