#!/usr/bin/env bash
# Chaos: a random worker `kill -9`'d every second under keep-alive load (wrk, 64 connections,
# --timeout 2s), clusterflock's demo (default options) against Node's cluster module
# (bench/peers/node-cluster.js, which re-forks a worker that dies), 4 workers each. The victim is
# picked among the workers alive at that moment: for clusterflock those the master's JSON events
# show forked and not exited, for Node the primary's children. Before each kill, the established
# connections the victim holds on the port (ss): the most requests it can have in flight, so the most
# the kill can fail. Targets: no request past 2 s (wrk's timeouts), and no more failed requests than
# the victims held connections. Writes bench/results/chaos.{md,targets}; about 2 minutes.
#
#   bench/chaos.sh [--duration S] [--workers N] [--only demo,node_cluster]
source "$(dirname "$0")/lib.sh"
DURATION=30 WORKERS=4 CONNS=64 THREADS=2 ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "usage: bench/chaos.sh [--duration S] [--workers N] [--only demo,node_cluster]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; need jq; need ss iproute2; need_node; build
use_cleanup

OUT="$RESULTS/chaos"
rm -rf "$OUT"; mkdir -p "$OUT"
PORT=5280
ROWS=""
TARGETS=""

# the workers alive now, one pid a line: clusterflock's from its JSON events, Node's the primary's children
workers_of() { # KIND LOG
  case "$1" in
    demo) live_pids "$2" ;;
    node_cluster) pgrep -P "$BG" || true ;;
  esac
}
# conns_of PID: the established connections PID holds on the port (its side of them)
conns_of() { ss -Htnp state established "( sport = :$PORT )" | grep -c "pid=$1," || true; }

# contender LABEL KIND
contender() {
  local label=$1 kind=$2 key=$2
  PORT=$((PORT + 1))
  [ -z "$ONLY" ] || case ",$ONLY," in *",$kind,"*) ;; *) return 0 ;; esac
  local url="http://127.0.0.1:$PORT/" log="$OUT/$key.log" kills="$OUT/$key.kills" f="$OUT/$key.txt"
  echo "bench: chaos, $label" >&2
  case "$kind" in
    demo) train_aot_cache "$PORT" "$OUT/train.log"
          start_demo "$PORT" "$WORKERS" "$log" --log-format json ;;
    *) "start_$kind" "$PORT" "$WORKERS" "$log" ;;
  esac
  wrk_run "$OUT/$key-warm.txt" -t"$THREADS" -c"$CONNS" -d5s "$url"
  # the load, then one kill a second while it runs (the last one a second before it ends)
  wrk --latency -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 2s "$url" > "$f" 2>&1 &
  local load=$! next end killed=" " pids victim n
  next=$(( $(now_ms) + 1000 )); end=$((next + DURATION * 1000 - 2000))
  : > "$kills"
  while [ "$next" -le "$end" ] && kill -0 "$load" 2>/dev/null; do
    # on the second: the time spent picking does not add up
    [ "$(now_ms)" -ge "$next" ] || sleep "$(awk -v m="$((next - $(now_ms)))" 'BEGIN { printf "%.3f", m / 1000 }')"
    next=$((next + 1000))
    # a pid killed before may still be listed until its exit is seen: never twice
    pids=$(workers_of "$kind" "$log" | grep -vxF -f <(tr ' ' '\n' <<< "$killed" | grep .) || true)
    if [ -n "$pids" ]; then
      n=$(wc -l <<< "$pids")
      victim=$(sed -n "$((RANDOM % n + 1))p" <<< "$pids")
      echo "$(now_ms) $victim $(conns_of "$victim") $n" >> "$kills"
      kill -KILL "$victim" 2>/dev/null || true
      killed="$killed$victim "
    fi
  done
  wait "$load" || true
  # the cluster afterwards: does it answer, and with how many workers (given 10 s to re-fork)
  local after=0
  for _ in $(seq 1 50); do
    after=$(workers_of "$kind" "$log" | wc -l)
    [ "$after" -lt "$WORKERS" ] || break
    sleep 0.2
  done
  curl -sf -o /dev/null --max-time 10 "$url" || after="$after (no answer)"
  stop_contender "$kind"
  local nkills conns timeouts sockerr non2xx failed
  nkills=$(wc -l < "$kills"); conns=$(awk '{ s += $3 } END { print s + 0 }' "$kills")
  timeouts=$(wrk_timeouts "$f"); sockerr=$(wrk_sockerr "$f"); non2xx=$(wrk_non2xx "$f"); failed=$(wrk_failed "$f")
  ROWS="$ROWS| $label | $WORKERS | $(wrk_requests "$f") | $(rps_int "$f") | $(wrk_pct "$f" "99%") | $timeouts | $sockerr | $non2xx | $nkills | $conns | $after |
"
  TARGETS="$TARGETS| chaos: no request past 2 s, a worker \`kill -9\`'d every second for ${DURATION} s, $label | $timeouts wrk timeouts | $([ "$timeouts" = 0 ] && echo met || echo '**missed**') |
| chaos: failed requests ≤ the victims' established connections, $label | $failed ≤ $conns | $([ "$failed" -le "$conns" ] && echo met || echo '**missed**') |
"
  { echo "#### chaos: $label"; echo; echo '```'; cat "$f"; echo; echo "kills (ms since the epoch, pid, its connections, workers alive):"; cat "$kills"; echo '```'; echo; } >> "$RESULTS/chaos-raw.md"
}

: > "$RESULTS/chaos-raw.md"
contender "clusterflock demo (default options)" demo
contender "Node cluster module (re-forks a dead worker)" node_cluster

{
  echo "| contender | workers | requests | req/s | p99 ms | wrk timeouts (past 2 s) | other socket errors | non-2xx | kills | the victims' connections, sum | workers alive after |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$ROWS"
  echo
  echo "wrk ${THREADS} threads, ${CONNS} keep-alive connections, \`--timeout 2s\`, ${DURATION} s after a 5 s warm-up; from its"
  echo "second second on, one worker a second picked at random among those alive (clusterflock: forked and not"
  echo "exited in the master's JSON events; Node: the primary's children) gets \`kill -9\`. Its established"
  echo "connections on the port (\`ss -tnp state established\`), counted just before, bound the requests it"
  echo "can have had in flight: every other failure would be a request the cluster lost by itself. \"Other"
  echo "socket errors\" are wrk's connect, read and write errors; a failed request is any of them, a timeout or"
  echo "a non-2xx answer. \"Workers alive after\": once the load ended, given up to 10 s."
  echo "clusterflock runs with its defaults (a slot whose worker dies young is re-forked after a delay that"
  echo "doubles with each quick death, from 100 ms), its automatic AOT cache trained before when missing;"
  echo "Node's primary re-forks at once."
} > "$RESULTS/chaos.md"
printf '%s' "$TARGETS" > "$RESULTS/chaos.targets"
cat "$RESULTS/chaos.md"; echo; cat "$RESULTS/chaos.targets"
