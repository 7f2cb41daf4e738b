#!/usr/bin/env bash
# Spring Boot workers (examples/spring-boot, Tomcat, clusterflock-spring-boot): how long a worker
# takes from its fork to ready (the application started and warm, as it reports), without and with
# the AOT cache, over kill -9 respawns of one worker; and keep-alive throughput while the master
# reloads every INTERVAL seconds against steady, beside the demo's (Jetty) in the same run.
# Writes bench/results/spring.{md,targets}; about 6 minutes with the defaults.
#
#   bench/spring.sh [--kills N] [--duration SECONDS] [--reloads N] [--interval SECONDS]
source "$(dirname "$0")/lib.sh"
KILLS=5 DURATION=30 RELOADS=3 INTERVAL=10
while [ $# -gt 0 ]; do
  case "$1" in
    --kills) KILLS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --reloads) RELOADS=$2; shift 2 ;;
    --interval) INTERVAL=$2; shift 2 ;;
    *) echo "usage: bench/spring.sh [--kills N] [--duration S] [--reloads N] [--interval S]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; build
use_cleanup

JAR="$ROOT/examples/spring-boot/target/spring-boot.jar"
FLUX="$ROOT/examples/spring-webflux/target/spring-webflux.jar"
[ -f "$JAR" ] && [ -f "$FLUX" ] || (cd "$ROOT" && ./mvnw -B -q install -DskipTests ${BENCH_MAVEN_ARGS:-})
OUT="$RESULTS/spring"
rm -rf "$OUT"; mkdir -p "$OUT"
PORT=5310
STABLE_S=11 # a worker up 10 s is re-forked at once after a death (clusterflock's Backoff.STABLE_AFTER)

# ms LINE: the time at the start of a text log line, in ms since midnight.
ms() { awk '{ split($1, t, /[:.]/); print ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4] }'; }
# fork_to_ready LOG PID: ms from the worker's fork to its ready.
fork_to_ready() {
  local fork ready
  fork=$(grep -E "\(pid $2\) forked" "$1" | head -1 | ms)
  ready=$(grep -E "\(pid $2\) ready$" "$1" | head -1 | ms)
  echo $((ready - fork))
}
last_ready_pid() { grep -E '\(pid [0-9]+\) ready$' "$1" | tail -1 | sed 's/.*(pid \([0-9]*\)) ready$/\1/'; }
stats() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) { print "n/a|n/a|n/a"; exit } printf "%d|%d|%d\n", v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }'; }

# start-to-ready VARIANT [JAR]: one worker, KILLS kill -9s; prints "first|min|median|max".
start_to_ready() {
  local variant=$1 jar=${2:-$JAR} log="$OUT/ready-$1-$(basename "${2:-$JAR}" .jar).log" flags=() first pid
  case "$variant" in
    off) flags=(--aot-cache off) ;;
    aot) flags=(--aot-cache "$OUT/$(basename "$jar" .jar).aot") ;;
  esac
  bg_start "$log" "$CLUSTERFLOCK" run -w 1 -p $PORT --host 127.0.0.1 --timeout 60s "${flags[@]}" -- "$JAVA" -jar "$jar"
  local master=$BG
  wait_log "$log" ' ready$' 1 180
  first=$(fork_to_ready "$log" "$(last_ready_pid "$log")")
  local times=()
  for i in $(seq 1 "$KILLS"); do
    sleep $STABLE_S
    pid=$(last_ready_pid "$log")
    kill -KILL "$pid"
    wait_log "$log" ' ready$' $((i + 1)) 180
    times+=("$(fork_to_ready "$log" "$(last_ready_pid "$log")")")
  done
  bg_stop "$master"
  echo "$first|$(printf '%s\n' "${times[@]}" | stats)"
}

# train [JAR]: a first worker records the AOT cache, written as it exits (a graceful stop).
train() {
  local jar=${1:-$JAR} log="$OUT/train-$(basename "${1:-$JAR}" .jar).log"
  bg_start "$log" "$CLUSTERFLOCK" run -w 1 -p $PORT --host 127.0.0.1 --timeout 60s --aot-cache "$OUT/$(basename "$jar" .jar).aot" -- "$JAVA" -jar "$jar"
  local master=$BG
  wait_log "$log" ' ready$' 1 180
  wrk_run "$OUT/train-wrk.txt" -t1 -c10 -d5s "http://127.0.0.1:$PORT/"
  kill -TERM "$master"
  for _ in $(seq 1 1200); do kill -0 "$master" 2>/dev/null || break; sleep 0.1; done # the master assembles the cache
  bg_stop "$master"
  [ -s "$OUT/$(basename "$jar" .jar).aot" ] || { echo "bench: no AOT cache was written" >&2; tail -5 "$log" >&2; }
}

# reload_under_load LABEL CMD...: steady, then RELOADS reloads every INTERVAL s; prints a table row.
reload_under_load() {
  local label=$1 log="$OUT/reload-$1.log"; shift
  bg_start "$log" "$@"
  local master=$BG
  wait_log "$log" ' ready$' 2 180; wait_http $PORT
  wrk_run "$OUT/warm-$label.txt" -t2 -c50 -d5s "http://127.0.0.1:$PORT/"
  wrk_run "$OUT/steady-$label.txt" -t2 -c50 -d"${DURATION}s" "http://127.0.0.1:$PORT/"
  ( for _ in $(seq 1 "$RELOADS"); do sleep "$INTERVAL"; kill -USR2 "$master"; done ) &
  local reloader=$!
  wrk_run "$OUT/reload-$label.txt" -t2 -c50 -d"${DURATION}s" "http://127.0.0.1:$PORT/"
  wait $reloader || true
  bg_stop "$master"
  local steady reload
  steady=$(rps_int "$OUT/steady-$label.txt"); reload=$(rps_int "$OUT/reload-$label.txt")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$(wrk_requests "$OUT/reload-$label.txt")" \
    "$(wrk_failed "$OUT/reload-$label.txt")" "$steady" "$reload" "$(ratio "$reload" "$steady")" \
    "$(wrk_p99 "$OUT/steady-$label.txt")" "$(wrk_p99 "$OUT/reload-$label.txt")"
}

OFF=$(start_to_ready off)
train
AOT=$(start_to_ready aot)
FLUX_OFF=$(start_to_ready off "$FLUX")
train "$FLUX"
FLUX_AOT=$(start_to_ready aot "$FLUX")
ROW_SPRING=$(reload_under_load spring "$CLUSTERFLOCK" run -w 2 -p $PORT --host 127.0.0.1 --timeout 60s --aot-cache "$OUT/spring-boot.aot" -- "$JAVA" -jar "$JAR")
ROW_DEMO=$(reload_under_load demo "$CLUSTERFLOCK" demo -w 2 -p $PORT --host 127.0.0.1)

IFS='|' read -r OFF_FIRST OFF_MIN OFF_MED OFF_MAX <<< "$OFF"
IFS='|' read -r AOT_FIRST AOT_MIN AOT_MED AOT_MAX <<< "$AOT"
IFS='|' read -r FOFF_FIRST FOFF_MIN FOFF_MED FOFF_MAX <<< "$FLUX_OFF"
IFS='|' read -r FAOT_FIRST FAOT_MIN FAOT_MED FAOT_MAX <<< "$FLUX_AOT"
{
  echo "From the fork of a worker to its ready (the application started, warmed up, then reported ready),"
  echo "one worker of examples/spring-boot (Spring Boot 4.0, Tomcat) or examples/spring-webflux (Reactor Netty),"
  echo "\`java -jar\` with the JVM's default options: first start, then $KILLS \`kill -9\` respawns (ms):"
  echo
  echo "| example | AOT cache | first start | respawn min | median | max |"
  echo "|---|---|---|---|---|---|"
  echo "| spring-boot | off | $OFF_FIRST | $OFF_MIN | $OFF_MED | $OFF_MAX |"
  echo "| spring-boot | a cache trained by a first worker (\`--aot-cache FILE\`) | $AOT_FIRST | $AOT_MIN | $AOT_MED | $AOT_MAX |"
  echo "| spring-webflux | off | $FOFF_FIRST | $FOFF_MIN | $FOFF_MED | $FOFF_MAX |"
  echo "| spring-webflux | a cache trained by a first worker | $FAOT_FIRST | $FAOT_MIN | $FAOT_MED | $FAOT_MAX |"
  echo
  echo "Keep-alive throughput of 2 workers (wrk -t2 -c50, ${DURATION} s each), steady and while the master reloads"
  echo "every $INTERVAL s ($RELOADS reloads, SIGUSR2, with the AOT cache), beside the demo's Jetty workers:"
  echo
  echo "| workers | requests during reloads | failed | steady req/s | req/s during reloads | ratio | p99 steady (ms) | p99 during reloads (ms) |"
  echo "|---|---|---|---|---|---|---|---|"
  echo "$ROW_SPRING"
  echo "$ROW_DEMO"
} > "$RESULTS/spring.md"
{
  echo "| a Spring Boot worker (Tomcat) respawned with the AOT cache ready sooner than without (medians of $KILLS) | $AOT_MED / $OFF_MED ms = $(ratio "$AOT_MED" "$OFF_MED") | $([ "$AOT_MED" -lt "$OFF_MED" ] && echo met || echo '**missed**') |"
  echo "| 0 failed requests over $RELOADS reloads (one every $INTERVAL s) of Spring Boot workers under keep-alive load | $(echo "$ROW_SPRING" | cut -d'|' -f4 | tr -d ' ') | $([ "$(echo "$ROW_SPRING" | cut -d'|' -f4 | tr -d ' ')" = 0 ] && echo met || echo '**missed**') |"
} > "$RESULTS/spring.targets"
cat "$RESULTS/spring.md"
