#!/usr/bin/env bash
# Master overhead: the master's own CPU seconds (/proc/PID/stat utime+stime, all its threads) and
# resident memory (VmRSS, sampled every second) while its workers serve a wrk run, keep-alive and
# connection per request. clusterflock's `bin/clusterflock` master (the demo's workers) and a
# library-mode master (hello.jar, which re-runs its own command line), against Node's cluster
# primary and PM2's daemon, which both hand out connections themselves (round-robin).
# Writes bench/results/overhead.{md,targets}; about 5 minutes with the defaults.
#
#   bench/overhead.sh [--duration S] [--workers N] [--threads T] [--connections C]
source "$(dirname "$0")/lib.sh"
DURATION=30 WORKERS=$NCPU THREADS=2 CONNS=50
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    *) echo "usage: bench/overhead.sh [--duration S] [--workers N] [--threads T] [--connections C]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; need_node; build
use_cleanup

OUT="$RESULTS/overhead"
rm -rf "$OUT"; mkdir -p "$OUT"
HZ=$(getconf CLK_TCK)
PORT=5240
ROWS=""
TARGETS=""

# children PID: the pids whose parent is PID.
children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' | tr '\n' ' '; }
# ticks PID...: CPU ticks of the living ones, summed.
ticks() { local p s=0; for p in "$@"; do [ -r "/proc/$p/stat" ] && s=$((s + $(cpu_ticks "$p" 2>/dev/null || echo 0))); done; echo $s; }

# contender LABEL KIND MODE [ours]: MODE ka or close.
contender() {
  local label=$1 kind=$2 mode=$3 ours=${4:-} key url hdr=()
  PORT=$((PORT + 1)); url="http://127.0.0.1:$PORT/"; key="$kind-$mode"
  [ "$mode" = ka ] || hdr=(-H "Connection: close")
  echo "bench: $label, $mode" >&2
  "start_$kind" "$PORT" "$WORKERS" "$OUT/$key.log"
  local master=$BG guard="" kids t0 t1 w0 w1 start end maxrss=0 rss
  kids=$(children "$master")
  for p in $kids; do # clusterflock's guard: a small sh that leads the workers' process group
    case "$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)" in *"clusterflock guard"*) guard=$p ;; esac
  done
  local workers; workers=$(for p in $kids; do ps -o pid= --ppid "$p" 2>/dev/null; echo "$p"; done | tr -d ' ' | grep -vx "$guard" | sort -u | tr '\n' ' ')
  wrk_run "$OUT/$key-warm.txt" -t"$THREADS" -c"$CONNS" -d5s "${hdr[@]}" "$url"
  t0=$(cpu_ticks "$master"); w0=$(ticks $workers); start=$(now_ms)
  wrk --latency -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "${hdr[@]}" "$url" > "$OUT/$key.txt" 2>&1 &
  local load=$!
  while kill -0 "$load" 2>/dev/null; do
    rss=$(rss_kib "$master"); [ "${rss:-0}" -le "$maxrss" ] || maxrss=$rss
    sleep 1
  done
  wait "$load" || true
  t1=$(cpu_ticks "$master"); w1=$(ticks $workers); end=$(now_ms)
  local cpu_s pct rss_end hwm guard_rss
  cpu_s=$(awk -v a="$t0" -v b="$t1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')
  pct=$(awk -v c="$cpu_s" -v ms="$((end - start))" 'BEGIN { printf "%.2f", c / (ms / 1000) * 100 }')
  rss_end=$(rss_kib "$master"); hwm=$(rss_kib "$master" VmHWM)
  guard_rss=$([ -n "$guard" ] && rss_kib "$guard" || echo "")
  if [ "$kind" = pm2 ]; then stop_pm2; else bg_stop "$master"; fi
  ROWS="$ROWS| $label | $([ "$mode" = ka ] && echo keep-alive || echo 'connection per request') | $(rps_int "$OUT/$key.txt") | $cpu_s | $pct % | $(awk -v k="$maxrss" 'BEGIN { printf "%.1f", k/1024 }') | $(awk -v k="$hwm" 'BEGIN { printf "%.1f", k/1024 }') | $(awk -v a="$w0" -v b="$w1" -v hz="$HZ" 'BEGIN { printf "%.1f", (b - a) / hz }') | ${guard_rss:+$(awk -v k="$guard_rss" 'BEGIN { printf "%.1f MiB", k/1024 }')} |
"
  if [ -n "$ours" ]; then
    TARGETS="$TARGETS| master under 1% of one core and under 64 MiB RSS, $label, $([ "$mode" = ka ] && echo keep-alive || echo 'connection per request') | $pct %, $(awk -v k="$maxrss" 'BEGIN { printf "%.1f MiB", k/1024 }') | $(awk -v p="$pct" -v k="$maxrss" 'BEGIN { print (p < 1 && k < 65536) ? "met" : (p < 1 ? "**missed** (RSS)" : (k < 65536 ? "**missed** (CPU)" : "**missed**")) }') |
"
  fi
}

for mode in ka close; do
  contender "clusterflock master (\`bin/clusterflock demo\`)" demo "$mode" ours
  contender "clusterflock library-mode master (hello.jar)" library "$mode" ours
  contender "Node cluster primary" node_cluster "$mode"
  contender "PM2 daemon (God)" pm2 "$mode"
done

{
  echo "| master | load | req/s | master CPU s | master CPU, % of one core | master RSS max MiB | master VmHWM MiB | workers' CPU s | clusterflock guard RSS |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$ROWS"
  echo
  echo "$WORKERS workers; wrk ${THREADS} threads, ${CONNS} connections, ${DURATION} s after a 5 s warm-up. CPU from"
  echo "/proc/PID/stat (utime + stime of every thread of the master) over the run; RSS sampled once a second"
  echo "during it (VmHWM: the peak since the process started, start-up included)."
} > "$RESULTS/overhead.md"
printf '%s' "$TARGETS" > "$RESULTS/overhead.targets"
{
  for f in "$OUT"/*-ka.txt "$OUT"/*-close.txt; do
    echo "#### overhead $(basename "$f" .txt)"; echo; echo '```'; cat "$f"; echo '```'; echo
  done
} > "$RESULTS/overhead-raw.md"
cat "$RESULTS/overhead.md"; echo; cat "$RESULTS/overhead.targets"
