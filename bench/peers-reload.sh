#!/usr/bin/env bash
# Reload under load against the peers: clusterflock (the demo's Jetty workers, SIGUSR2 to the
# master; with its defaults, the automatic AOT cache trained once before its runs, and with
# `--aot-cache off`), recluster (SIGUSR2, as its README does it) and PM2 cluster mode (`pm2 reload`),
# the same load as bench/reload.sh: a steady run, then a run during which the cluster reloads RELOADS
# times, one every INTERVAL seconds (`pm2 reload` returns once it is done, so its reloads can be
# further apart). The run with reloads lasts until the last reload has had INTERVAL seconds to
# finish, at least DURATION, and for clusterflock until the newest generation serves every slot (at
# most NEWEST_MAX s after the last reload). Each with and without slow requests in flight (1 in 20
# takes 0.5 s). clusterflock's masters log JSON events (--log-format json): from them, which
# generations went live (a worker of that generation reported ready) and the seconds from the last
# USR2 to a ready worker of the newest generation in every slot; `clusterflock status --json` says
# which generation serves at the end.
# Writes bench/results/peers-reload.{md,targets}; about 7 minutes with the defaults (PM2 reloads take
# a few seconds each).
#
#   bench/peers-reload.sh [--duration S] [--reloads N] [--interval S] [--workers N] [--only KINDS]
#                         [--slow no|yes|no,yes] [--name NAME] [--targets storm|pace]
# --name writes bench/results/NAME.{md,targets} instead (bench/reload-pace.sh). --targets: those of a
# reload storm (default: req/s during reloads >= 0.8 x steady, the newest generation on every slot
# within 20 s of the last reload) or of a steady pace (>= 0.95 x steady, p99 <= 3 x steady, every
# generation went live and the last serves every slot).
source "$(dirname "$0")/lib.sh"
DURATION=20 RELOADS=10 INTERVAL=2.5 WORKERS=$NCPU THREADS=2 CONNS=50 ONLY="" SLOW="no yes" NAME=peers-reload TARGETS_OF=storm
NEWEST_MAX=30 # s after the last reload that the load goes on waiting for the newest generation
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --reloads) RELOADS=$2; shift 2 ;;
    --interval) INTERVAL=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;; # comma-separated: demo_auto,demo_off,demo_ramp,recluster,pm2 (a partial run, for testing)
    --slow) SLOW=${2//,/ }; shift 2 ;;
    --name) NAME=$2; shift 2 ;;
    --targets) TARGETS_OF=$2; shift 2 ;;
    *) echo "usage: bench/peers-reload.sh [--duration S] [--reloads N] [--interval S] [--workers N] [--only KINDS] [--slow no|yes|no,yes] [--name NAME] [--targets storm|pace]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; need jq; need_node; build
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

# The clusterflock contenders: the demo with its defaults (the automatic AOT cache, trained first when
# this build has none), and without the cache. Each logs JSON events and has a name of its own for
# `clusterflock status`.
# DEMO_FLAGS: more flags for the demo contenders (a variant to compare, e.g. DEMO_FLAGS="--ramp 2s")
# shellcheck disable=SC2086
start_demo_json() { start_demo "$1" "$2" "$3" --log-format json --name "bench-$1" "${@:4}" ${DEMO_FLAGS:-}; }
start_demo_auto() { train_aot_cache "$1" "$3.train" && start_demo_json "$1" "$2" "$3"; }
start_demo_off() { start_demo_json "$1" "$2" "$3" --aot-cache off; }
start_demo_ramp() { train_aot_cache "$1" "$3.train" && start_demo_json "$1" "$2" "$3" --ramp 2s; }
# newest_s SECONDS: the last USR2 -> newest generation figure as the tables show it
newest_s() { case "$1" in "") echo "–" ;; n/a) echo "not within $NEWEST_MAX s" ;; *) echo "$1 s" ;; esac; }
# verdict VALUE <=|>= LIMIT: met / **missed** (n/a misses)
verdict() { awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { ok = v != "n/a" && v != "" && (op == "<=" ? v + 0 <= l + 0 : v + 0 >= l + 0); print ok ? "met" : "**missed**" }'; }

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
  local start last; start=$(now_ms)
  wrk --latency -t"$THREADS" -c"$CONNS" -d3600s "${lua[@]}" "$url" > "$OUT/$key-reload.txt" 2>&1 &
  local load=$!
  for _ in $(seq 1 "$RELOADS"); do sleep "$INTERVAL"; last=$(now_ms); reload "$kind"; done
  sleep "$INTERVAL"
  local left=$((start + DURATION * 1000 - $(now_ms)))
  [ "$left" -le 0 ] || sleep "$(awk -v m="$left" 'BEGIN { printf "%.3f", m / 1000 }')"
  # clusterflock: the load goes on until the newest generation (RELOADS: one per USR2) is ready in every slot
  local log="$OUT/$key.log" live=""
  if [ -n "$ours" ]; then
    until live=$(live_ms "$log" "$RELOADS" "$WORKERS"); [ -n "$live" ] || [ $(( $(now_ms) - last )) -ge $((NEWEST_MAX * 1000)) ]; do sleep 0.2; done
  fi
  kill -INT "$load"; wait "$load" || true
  local elapsed=$(( ($(now_ms) - start) / 1000 ))
  # what the master's events and status say: generations that went live, the one serving at the end
  local gens="" newest="" serving=""
  if [ -n "$ours" ]; then
    gens=$(events "$log" "[.[] | select(.event == \"ready\" and .generation >= 1 and .generation <= $RELOADS) | .generation] | unique | length")
    newest=n/a; [ -z "$live" ] || newest=$(awk -v a="$live" -v b="$last" 'BEGIN { printf "%.1f", (a - b) / 1000 }')
    serving=$(serving_generation "bench-$PORT" "$RELOADS" && echo yes || echo no)
  fi
  stop_contender "$kind"
  local f="$OUT/$key-reload.txt" s="$OUT/$key-steady.txt" steady during failed ratio_v p99s p99r p99x
  steady=$(rps_int "$s"); during=$(rps_int "$f"); failed=$(wrk_failed "$f"); ratio_v=$(ratio "$during" "$steady")
  p99s=$(wrk_pct "$s" "99%"); p99r=$(wrk_pct "$f" "99%"); p99x=$(ratio "$p99r" "$p99s")
  ROWS="$ROWS| $label | $slow | $RELOADS in ${elapsed} s | $(wrk_requests "$f") | $failed ($(wrk_errors "$f") socket errors, $(wrk_non2xx "$f") non-2xx) | $steady | $during | $ratio_v | $p99s | $p99r | $([ -n "$gens" ] && echo "$gens of $RELOADS" || echo –) | $(newest_s "$newest") | ${serving:-–} |
"
  if [ -n "$ours" ]; then
    TARGETS="$TARGETS| 0 failed requests over $RELOADS reloads (one every $INTERVAL s), $label, slow requests: $slow | $failed | $([ "$failed" = 0 ] && echo met || echo '**missed**') |
"
    if [ "$slow" = no ] && [ "$TARGETS_OF" = pace ]; then
      TARGETS="$TARGETS| keep-alive req/s during reloads ≥ 0.95 × steady, one every $INTERVAL s, $label | $during / $steady = $ratio_v | $(verdict "$ratio_v" ">=" 0.95) |
| p99 during reloads ≤ 3 × steady p99, one every $INTERVAL s, $label | $p99r / $p99s ms = × $p99x | $(verdict "$p99x" "<=" 3) |
| every one of the $RELOADS generations went live (a worker of it ready), the last serving every slot at the end, $label | $gens of $RELOADS live; last serving every slot: $serving | $([ "$gens" = "$RELOADS" ] && [ "$serving" = yes ] && echo met || echo '**missed**') |
"
    elif [ "$slow" = no ]; then
      TARGETS="$TARGETS| keep-alive req/s during reloads ≥ 0.8 × steady, one every $INTERVAL s, $label | $during / $steady = $ratio_v | $(verdict "$ratio_v" ">=" 0.8) |
| the newest generation serves every slot within 20 s of the last reload (one every $INTERVAL s), $label | $(newest_s "$newest") | $(verdict "$newest" "<=" 20) |
"
    fi
  fi
  { echo "#### reloads: $label, one every $INTERVAL s, slow requests: $slow"; echo; echo '```'; cat "$f"; echo '```'; echo; } >> "$RESULTS/$NAME-raw.md"
}

: > "$RESULTS/$NAME-raw.md"
for slow in $SLOW; do
  scenario "clusterflock (demo workers, SIGUSR2)" demo_auto "$slow" ours
  scenario "clusterflock \`--aot-cache off\` (demo workers, SIGUSR2)" demo_off "$slow" ours
  scenario "clusterflock \`--ramp 2s\` (demo workers, SIGUSR2)" demo_ramp "$slow" ours
  scenario "recluster (SIGUSR2)" recluster "$slow"
  scenario "PM2 cluster mode (\`pm2 reload\`)" pm2 "$slow"
done

{
  echo "| contender | slow requests in flight | reloads | requests during reloads | failed | steady req/s | req/s during reloads | ratio | p99 steady ms | p99 during reloads ms | generations that went live | last USR2 → newest generation ready in every slot, s | newest generation serving every slot at the end |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
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
  echo
  echo "clusterflock runs with its defaults (\`--reload-surge\` $(( NCPU / 2 > 1 ? NCPU / 2 : 1 )) here: half the cores, at least 1; the"
  echo "automatic AOT cache, which one worker trains under a 3 s load before the first measured run when"
  echo "this build has none, then every worker maps), and with \`--aot-cache off\`. From the master's JSON"
  echo "events (\`--log-format json\`): a generation went live when a worker of it reported ready (a newer"
  echo "USR2 may supersede one still starting); the seconds from the last USR2 to the moment every slot"
  echo "had a ready worker of the newest generation (the run with reloads goes on until then, at most"
  echo "$NEWEST_MAX s); and \`clusterflock status --json\` at the end of the load shows a ready worker of the"
  echo "newest generation in every slot."
} > "$RESULTS/$NAME.md"
printf '%s' "$TARGETS" > "$RESULTS/$NAME.targets"
cat "$RESULTS/$NAME.md"; echo; cat "$RESULTS/$NAME.targets"
