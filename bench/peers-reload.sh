#!/usr/bin/env bash
# Reload under load against the peers: clusterflock (the demo's Jetty workers, SIGUSR2 to the
# master; also with --aot-cache, trained once before its runs), recluster (SIGUSR2, as its README does it) and PM2 cluster mode (`pm2 reload`), the same
# load as bench/reload.sh: a steady run, then a run during which the cluster reloads RELOADS times,
# one every INTERVAL seconds (`pm2 reload` returns once it is done, so its reloads can be further
# apart). The run with reloads lasts until the last reload has had INTERVAL seconds to finish, and at
# least DURATION. Each with and without slow requests in flight (1 in 20 takes 0.5 s).
# Writes bench/results/peers-reload.{md,targets}; about 7 minutes with the defaults (PM2 reloads take
# a few seconds each).
#
#   bench/peers-reload.sh [--duration S] [--reloads N] [--interval S] [--workers N] [--only KINDS]
#                         [--slow no|yes|no,yes] [--name NAME]
# --name writes bench/results/NAME.{md,targets} instead (bench/reload-pace.sh).
source "$(dirname "$0")/lib.sh"
DURATION=20 RELOADS=10 INTERVAL=2.5 WORKERS=$NCPU THREADS=2 CONNS=50 ONLY="" SLOW="no yes" NAME=peers-reload
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --reloads) RELOADS=$2; shift 2 ;;
    --interval) INTERVAL=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;; # comma-separated: demo,demo_aot,recluster,pm2 (a partial run, for testing)
    --slow) SLOW=${2//,/ }; shift 2 ;;
    --name) NAME=$2; shift 2 ;;
    *) echo "usage: bench/peers-reload.sh [--duration S] [--reloads N] [--interval S] [--workers N] [--only KINDS] [--slow no|yes|no,yes] [--name NAME]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; need_node; build
use_cleanup

OUT="$RESULTS/$NAME"
rm -rf "$OUT"; mkdir -p "$OUT"
SLOW_LUA="$OUT/slow.lua"
cat > "$SLOW_LUA" <<'LUA'
-- one request in 20 takes half a second: reloads happen with slow requests in flight
local n = 0
request = function()
  n = n + 1
  if n % 20 == 0 then return wrk.format("GET", "/sleep?ms=500") end
  return wrk.format("GET", "/")
end
LUA
PORT=5260
ROWS=""
TARGETS=""

reload() { # KIND
  case "$1" in
    pm2) pm2 reload bench >> "$OUT/pm2-reloads.log" 2>&1 || echo "bench: pm2 reload failed" >&2 ;;
    *) kill -USR2 "$BG" || echo "bench: the reload signal found no master" >&2 ;;
  esac
}

# scenario LABEL KIND SLOW(yes|no) [ours]
scenario() {
  local label=$1 kind=$2 slow=$3 ours=${4:-} key url lua=()
  PORT=$((PORT + 1)); url="http://127.0.0.1:$PORT/"; key="$kind-$slow"
  [ -z "$ONLY" ] || case ",$ONLY," in *",$kind,"*) ;; *) return 0 ;; esac
  [ "$slow" = no ] || lua=(-s "$SLOW_LUA")
  echo "bench: reloads, $label, slow requests: $slow" >&2
  "start_$kind" "$PORT" "$WORKERS" "$OUT/$key.log"
  wrk_run "$OUT/$key-warm.txt" -t"$THREADS" -c"$CONNS" -d5s "${lua[@]}" "$url"
  wrk_run "$OUT/$key-steady.txt" -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "${lua[@]}" "$url"
  local start; start=$(now_ms)
  wrk --latency -t"$THREADS" -c"$CONNS" -d3600s "${lua[@]}" "$url" > "$OUT/$key-reload.txt" 2>&1 &
  local load=$! i
  for i in $(seq 1 "$RELOADS"); do sleep "$INTERVAL"; reload "$kind"; done
  sleep "$INTERVAL"
  local left=$((start + DURATION * 1000 - $(now_ms)))
  [ "$left" -le 0 ] || sleep "$(awk -v m="$left" 'BEGIN { printf "%.3f", m / 1000 }')"
  kill -INT "$load"; wait "$load" || true
  local elapsed=$(( ($(now_ms) - start) / 1000 ))
  stop_contender "$kind"
  local f="$OUT/$key-reload.txt" s="$OUT/$key-steady.txt" steady during failed ratio_v
  steady=$(rps_int "$s"); during=$(rps_int "$f"); failed=$(wrk_failed "$f"); ratio_v=$(ratio "$during" "$steady")
  ROWS="$ROWS| $label | $slow | $RELOADS in ${elapsed} s | $(wrk_requests "$f") | $failed ($(wrk_errors "$f") socket errors, $(wrk_non2xx "$f") non-2xx) | $steady | $during | $ratio_v | $(wrk_p99 "$s") | $(wrk_p99 "$f") |
"
  if [ -n "$ours" ]; then
    TARGETS="$TARGETS| 0 failed requests over $RELOADS reloads (one every $INTERVAL s), $label, slow requests: $slow | $failed | $([ "$failed" = 0 ] && echo met || echo '**missed**') |
"
    [ "$slow" = yes ] || TARGETS="$TARGETS| keep-alive req/s during reloads ≥ 0.8 × steady, one every $INTERVAL s, $label | $during / $steady = $ratio_v | $(awk -v r="$ratio_v" 'BEGIN { print (r != "n/a" && r >= 0.8) ? "met" : "**missed**" }') |
"
  fi
  { echo "#### reloads: $label, one every $INTERVAL s, slow requests: $slow"; echo; echo '```'; cat "$f"; echo '```'; echo; } >> "$RESULTS/$NAME-raw.md"
}

: > "$RESULTS/$NAME-raw.md"
for slow in $SLOW; do
  scenario "clusterflock (demo workers, SIGUSR2)" demo "$slow" ours
  scenario "clusterflock with \`--aot-cache\` (demo workers, SIGUSR2)" demo_aot "$slow" ours
  scenario "recluster (SIGUSR2)" recluster "$slow"
  scenario "PM2 cluster mode (\`pm2 reload\`)" pm2 "$slow"
done

{
  echo "| contender | slow requests in flight | reloads | requests during reloads | failed | steady req/s | req/s during reloads | ratio | p99 steady ms | p99 during reloads ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$ROWS"
  echo
  echo "$WORKERS workers each; wrk ${THREADS} threads, ${CONNS} connections, keep-alive; a ${DURATION} s steady run after a 5 s"
  echo "warm-up, then the run with reloads (one every ${INTERVAL} s).$(case " $SLOW " in *" yes "*) echo " \"Slow\": 1 request in 20 is \`GET /sleep?ms=500\`." ;; esac)"
  case ",$ONLY," in
    ,,|*,recluster,*|*,pm2,*)
      echo "Every contender drains: clusterflock's workers by themselves; the Node app (bench/peers/app.js) on"
      echo "SIGINT/SIGTERM or recluster's disconnect message answers with \`Connection: close\` and closes connections"
      echo "idle for a second; old workers may drain for up to 10 s (clusterflock --timeout, recluster timeout, PM2"
      echo "kill_timeout)." ;;
  esac
  case ",$ONLY," in
    ,,|*,demo_aot,*)
      echo
      echo "\`--aot-cache\`: the demo with \`--aot-cache FILE\`, FILE trained by one worker under a 3 s load just"
      echo "before (bench/lib.sh start_demo_aot); every worker of the measured runs maps it." ;;
  esac
} > "$RESULTS/$NAME.md"
printf '%s' "$TARGETS" > "$RESULTS/$NAME.targets"
cat "$RESULTS/$NAME.md"; echo; cat "$RESULTS/$NAME.targets"
