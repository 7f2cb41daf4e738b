# shellcheck shell=bash
# Shared by the bench scripts: tools, JDK, starting and stopping clusters, reading wrk.
# Every load targets 127.0.0.1 only and every run is bounded in time.
set -eu
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$ROOT/bin/find-jdk")
JAVA="$JAVA_HOME/bin/java"
CLUSTERFLOCK="$ROOT/bin/clusterflock"
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
# The masters' control sockets (clusterflock stop/scale/status by --name) go to a private
# directory: control commands from anything else on the machine (tests, another cluster named
# "default") cannot reach a bench's masters, and theirs cannot collide with the bench's.
export XDG_RUNTIME_DIR="$RESULTS/run"
# shellcheck disable=SC2174 # $RESULTS is no secret, only the sockets' directory is
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
# The demo's automatic AOT caches (docs/OPERATIONS.md) go to the results too, not the home directory.
export XDG_CACHE_HOME="$RESULTS/cache"
unset CACHE_DIRECTORY

# need TOOL [DEBIAN-PACKAGE]: installs it with apt-get when missing.
need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "bench: installing ${2:-$1}" >&2
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -q "${2:-$1}" >/dev/null 2>&1 || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "${2:-$1}" >/dev/null; }
}

# build: the jars the benches run, when missing. BENCH_MAVEN_ARGS is appended to the Maven command
# line, e.g. BENCH_MAVEN_ARGS="-o -Dmaven.repo.local=$HOME/.m2-bench/repository" to build offline into
# a repository of its own (another checkout's tests then never see the bench's snapshots).
build() {
  [ -f "$ROOT/clusterflock-cli/target/clusterflock.jar" ] && [ -f "$ROOT/examples/hello/target/hello.jar" ] && return
  # shellcheck disable=SC2086
  (cd "$ROOT" && ./mvnw -B -q install -DskipTests ${BENCH_MAVEN_ARGS:-})
}


# wait_http PORT [SECONDS]: until the port answers HTTP 200.
wait_http() { wait_url "http://127.0.0.1:$1/" "${2:-60}"; }
# wait_url URL [SECONDS [CURL-ARGS...]]: until URL answers 200 (https: any certificate, as wrk and
# h2load take it).
wait_url() {
  local deadline=$((SECONDS + ${2:-60}))
  until curl -sfk -o /dev/null "${@:3}" "$1"; do
    [ $SECONDS -lt $deadline ] || { echo "bench: nothing answered at $1" >&2; return 1; }
    sleep 0.2
  done
}

# stop PID: graceful stop, waited for (bounded).
stop() {
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 150); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# wrk_run OUTFILE wrk-args...: runs wrk with latency stats, keeps its output.
wrk_run() { local out=$1; shift; wrk --latency "$@" > "$out" 2>&1 || true; }

# Fields of a wrk output file.
wrk_rps()      { awk '/^Requests\/sec:/ {print $2}' "$1"; }
wrk_requests() { awk '/requests in/ {print $1}' "$1"; }
wrk_errors()   { awk '/Socket errors:/ {gsub(",","",$0); print $4+$6+$8+$10; f=1} END {if (!f) print 0}' "$1"; }
wrk_non2xx()   { awk '/Non-2xx/ {print $NF; f=1} END {if (!f) print 0}' "$1"; }
# p99 in milliseconds
wrk_p99() {
  awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v=v/1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v=v*1000}; printf "%.1f\n", v}' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f\n", a / b; else print "n/a" }'; }

# ---- shared by throughput.sh, respawn.sh, overhead.sh, fairness.sh, peers-reload.sh, all.sh ----
# They use ports 5200-5299 (reload.sh uses 5180), bind 127.0.0.1 and stop what they start.

PEERS="$ROOT/bench/peers"
NCPU=$(nproc)

# wrk_pct FILE PERCENT: a latency percentile of a wrk --latency output, in ms ("50%", "99%").
wrk_pct() {
  awk -v p="$2" '$1==p {v=$2; if (v ~ /us$/) {sub("us","",v); v=v/1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /m$/) {sub("m","",v); v=v*60000} else if (v ~ /s$/) {sub("s","",v); v=v*1000}; printf "%.2f\n", v}' "$1"
}
wrk_p50() { wrk_pct "$1" "50%"; }
# wrk_failed FILE: socket errors plus non-2xx answers.
wrk_failed() { echo $(( $(wrk_errors "$1") + $(wrk_non2xx "$1") )); }
# wrk_timeouts FILE: requests wrk gave up on after its --timeout; wrk_sockerr FILE: the other socket
# errors (connect, read, write).
wrk_timeouts() { awk '/Socket errors:/ {gsub(",","",$0); print $10; f=1} END {if (!f) print 0}' "$1"; }
wrk_sockerr()  { awk '/Socket errors:/ {gsub(",","",$0); print $4+$6+$8; f=1} END {if (!f) print 0}' "$1"; }
# rps_int FILE: req/s without decimals (tables).
rps_int() { awk '/^Requests\/sec:/ {printf "%.0f\n", $2; f=1} END {if (!f) print 0}' "$1"; }

now_ms() { date +%s%3N; }

# Background processes a script started; cleanup stops them, even when the script is interrupted.
BG_PIDS=""
CLEANUP_CMDS=""
# bg_start LOG CMD...: runs CMD in the background, its output in LOG; BG is its pid (the command
# itself, exec'd, so that signals reach it).
bg_start() {
  local log=$1; shift
  ( exec "$@" ) > "$log" 2>&1 &
  BG=$!
  BG_PIDS="$BG $BG_PIDS"
}
# bg_stop PID: graceful stop, and forget it.
bg_stop() {
  stop "$1"
  wait "$1" 2>/dev/null || true
  BG_PIDS=$(echo " $BG_PIDS " | sed "s/ $1 / /")
}
# at_cleanup 'COMMAND': runs COMMAND at cleanup too (pm2 kill, rm -rf a temp dir).
at_cleanup() { CLEANUP_CMDS="$1; $CLEANUP_CMDS"; }
cleanup() {
  local pid
  trap - EXIT INT TERM HUP
  for pid in $BG_PIDS; do stop "$pid"; done
  eval "$CLEANUP_CMDS" 2>/dev/null || true
}
# use_cleanup: cleanup on every exit, also on Ctrl-C, SIGTERM (timeout) and SIGHUP.
use_cleanup() {
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

# wait_log LOG PATTERN COUNT [SECONDS]: until LOG has COUNT lines matching PATTERN (grep -E).
wait_log() {
  local deadline=$((SECONDS + ${4:-60})) n
  # (grep -c says nothing while LOG does not exist yet)
  until n=$(grep -cE "$2" "$1" 2>/dev/null) || true; [ "${n:-0}" -ge "$3" ]; do
    [ $SECONDS -lt $deadline ] || { echo "bench: $1 has not $3 lines matching '$2'" >&2; return 1; }
    sleep 0.1
  done
}

# Starting the contenders. Each sets BG to the pid that takes the signals (a master, a primary,
# nginx's master) and returns once the port answers; clusterflock ones once all workers are ready.
# start_library PORT WORKERS LOG: examples/hello (library mode: the program is its own master).
start_library() {
  bg_start "$3" "$JAVA" -Dclusterflock.workers="$2" -Dclusterflock.port="$1" -Dclusterflock.host=127.0.0.1 \
    -jar "$ROOT/examples/hello/target/hello.jar"
  wait_log "$3" ' ready$' "$2" 120; wait_http "$1"
}
# start_command PORT WORKERS LOG: the same hello.jar as a command-mode worker under bin/clusterflock run.
start_command() {
  bg_start "$3" "$CLUSTERFLOCK" run -w "$2" -p "$1" --host 127.0.0.1 --ready-when listening -- \
    "$JAVA" -jar "$ROOT/examples/hello/target/hello.jar"
  wait_log "$3" ' ready$' "$2" 120; wait_http "$1"
}
# start_python PORT WORKERS LOG: examples/python under bin/clusterflock run (sd_notify readiness).
start_python() {
  bg_start "$3" "$CLUSTERFLOCK" run -w "$2" -p "$1" --host 127.0.0.1 --ready-when ready -- \
    python3 "$ROOT/examples/python/server.py"
  wait_log "$3" ' ready$' "$2" 60; wait_http "$1"
}
# start_demo PORT WORKERS LOG [clusterflock flags...]: the demo's Jetty workers (GET /sleep?ms=N).
# The master's "ready" lines end in " ready" as text, in ' ready"}' with --log-format json.
start_demo() {
  local port=$1 workers=$2 log=$3; shift 3
  bg_start "$log" "$CLUSTERFLOCK" demo -w "$workers" -p "$port" --host 127.0.0.1 "$@"
  wait_log "$log" ' ready("\})?$' "$workers" 120; wait_http "$port"
}
# train_aot_cache PORT LOG [clusterflock flags...]: makes sure the demo's automatic AOT cache (the
# default, --aot-cache auto, kept per build under $XDG_CACHE_HOME or --aot-cache-dir) exists before a
# measured run. One demo worker starts; when it records the cache (the master says so), it gets 3 s of
# load, and the master assembles and installs the cache as it stops, which a graceful stop waits for.
train_aot_cache() {
  local port=$1 log=$2; shift 2
  start_demo "$port" 1 "$log" -t 120s "$@"
  grep -q 'records the AOT cache' "$log" || { bg_stop "$BG"; return 0; }
  echo "bench: training the AOT cache ($log)" >&2
  wrk_run "$log.wrk.txt" -t1 -c10 -d3s "http://127.0.0.1:$port/"
  kill -TERM "$BG"
  for _ in $(seq 1 1200); do kill -0 "$BG" 2>/dev/null || break; sleep 0.1; done
  bg_stop "$BG"
  grep -q 'AOT cache .* written' "$log" || { echo "bench: the training run wrote no AOT cache ($log)" >&2; return 1; }
}
# start_single PORT LOG [OPTION...]: one JVM, the same handler on the same Jetty, all cores
# (bench/baseline; options reuse-port, http2, tls-cert=FILE tls-key=FILE).
start_single() {
  local classes="$RESULTS/baseline-classes"
  if [ ! -f "$classes/SingleJvm.class" ] || [ "$ROOT/bench/baseline/SingleJvm.java" -nt "$classes/SingleJvm.class" ]; then
    mkdir -p "$classes"
    "$JAVA_HOME/bin/javac" -cp "$ROOT/examples/hello/target/hello.jar" -d "$classes" "$ROOT/bench/baseline/SingleJvm.java"
  fi
  local scheme=http
  case " ${*:3} " in *" tls-cert="*) scheme=https ;; esac
  WORKER_ID=${WORKER_ID:-0} bg_start "$2" "$JAVA" -Dorg.eclipse.jetty.LEVEL=WARN \
    -cp "$ROOT/examples/hello/target/hello.jar:$classes" SingleJvm "$1" 127.0.0.1 "${@:3}"
  wait_log "$2" '^single JVM' 1 60; wait_url "$scheme://127.0.0.1:$1/"
}

# start_reuseport PORT WORKERS LOG: the alternative to one shared listen queue, measured beside it:
# WORKERS copies of the single-JVM baseline (WORKER_ID 0…), each binding PORT with SO_REUSEPORT, no
# master. BG is the first; REUSE_PIDS all of them (stop_contender stops them).
REUSE_PIDS=""
start_reuseport() {
  local i; REUSE_PIDS=""
  for i in $(seq 0 $(($2 - 1))); do
    WORKER_ID=$i start_single "$1" "$3.$i" reuse-port
    REUSE_PIDS="$REUSE_PIDS $BG"
  done
  BG=${REUSE_PIDS# }; BG=${BG%% *}
}

# stop_contender KIND: stops what start_KIND started.
stop_contender() {
  local pid
  case "$1" in
    pm2) stop_pm2 ;;
    reuseport) for pid in $REUSE_PIDS; do bg_stop "$pid"; done; REUSE_PIDS="" ;;
    *) bg_stop "$BG" ;;
  esac
}

# Node peers: node_modules under bench/peers (npm install, pinned in package.json).
need_node() {
  command -v node >/dev/null 2>&1 || need node nodejs
  command -v npm >/dev/null 2>&1 || need npm
  [ -x "$PEERS/node_modules/.bin/pm2" ] && [ -d "$PEERS/node_modules/recluster" ] && return
  (cd "$PEERS" && npm install --no-audit --no-fund --loglevel=error >/dev/null 2>&1) \
    || (cd "$PEERS" && npm install --no-audit --no-fund)
}
# start_node_cluster PORT WORKERS LOG: Node's cluster module (bench/peers/node-cluster.js).
start_node_cluster() {
  PORT=$1 WORKERS=$2 bg_start "$3" node "$PEERS/node-cluster.js"
  wait_http "$1"; sleep 0.5
}
# start_recluster PORT WORKERS LOG: recluster (bench/peers/recluster.js), SIGUSR2 reloads.
start_recluster() {
  PORT=$1 WORKERS=$2 bg_start "$3" node "$PEERS/recluster.js"
  wait_http "$1"; sleep 0.5
}
# PM2 runs as a daemon: a private PM2_HOME, and `pm2 kill` at cleanup.
PM2_DIR=""
pm2() {
  [ -n "$PM2_DIR" ] || { PM2_DIR=$(mktemp -d /tmp/clusterflock-bench-pm2.XXXXXX); at_cleanup "pm2_kill"; }
  PM2_HOME="$PM2_DIR" "$PEERS/node_modules/.bin/pm2" "$@"
}
pm2_kill() {
  [ -n "$PM2_DIR" ] || return 0
  PM2_HOME="$PM2_DIR" "$PEERS/node_modules/.bin/pm2" kill >/dev/null 2>&1 || true
  rm -rf "$PM2_DIR"; PM2_DIR=""
}
# start_pm2 PORT WORKERS LOG: PM2 cluster mode (bench/peers/ecosystem.config.js); BG = PM2's daemon.
start_pm2() {
  PORT=$1 WORKERS=$2 pm2 start "$PEERS/ecosystem.config.js" > "$3" 2>&1
  BG=$(cat "$PM2_DIR/pm2.pid")
  wait_http "$1"; sleep 0.5
}
stop_pm2() { pm2 delete all >/dev/null 2>&1 || true; pm2_kill; }
# start_nginx PORT WORKERS DIR: nginx `return 200` in a private prefix, as the current user.
start_nginx() {
  local dir=$3 user=""
  [ "$(id -u)" != 0 ] || user="user $(id -un) $(id -gn);"
  mkdir -p "$dir/tmp"
  sed -e "s/@WORKERS@/$2/" -e "s/@PORT@/$1/" -e "s/@USER@/$user/" "$PEERS/nginx.conf.in" > "$dir/nginx.conf"
  bg_start "$dir/out.log" "$(command -v nginx || echo /usr/sbin/nginx)" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;'
  wait_http "$1"
}
need_nginx() { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need nginx nginx-light; }

# ---- the master's JSON events (--log-format json): its own lines are those starting with {"ts": ----
# events LOG [JQ-FILTER]: the master's events in LOG, one JSON object each, through JQ-FILTER (its
# input: the array of every event; `ms` is an event's time in ms since the epoch).
events() {
  grep '^{"ts":' "$1" | jq -nrR 'def ms: (.ts | sub("\\.[0-9]*Z$"; "Z") | fromdate) * 1000
      + (((.ts | capture("\\.(?<f>[0-9]*)Z$") | .f) // "0") + "00" | .[0:3] | tonumber);
    [inputs | fromjson? | objects] | '"${2:-.[]}"
}
# live_ms LOG GENERATION SLOTS: when every slot first had a ready worker of GENERATION, in ms since
# the epoch (the latest of the slots' first "ready" events); empty while some slot has none.
live_ms() {
  events "$1" "[.[] | select(.event == \"ready\" and .generation == $2) | {slot, t: ms}]
    | group_by(.slot) | map(min_by(.t).t) | if length >= $3 then max else empty end"
}
# live_pids LOG: the workers forked and not yet exited, one pid a line.
live_pids() {
  # shellcheck disable=SC2016
  events "$1" 'reduce (.[] | select(.event == "fork" or .event == "exit")) as $e ({};
    if $e.event == "fork" then .[$e.pid | tostring] = 1 else del(.[$e.pid | tostring]) end) | keys[]'
}
# serving_generation NAME GENERATION: 0 when `clusterflock status --name NAME` shows a ready worker of
# GENERATION in every slot.
serving_generation() {
  "$CLUSTERFLOCK" status --json --name "$1" | jq -e --argjson g "$2" \
    '([.workers[] | select(.state == "ready" and .generation == $g) | .slot] | unique | length) == .master.workers' >/dev/null
}
# median_max: "count median max" of the numbers on stdin ("0 n/a n/a" for none).
median_max() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) { print "0 n/a n/a"; exit } printf "%d %d %d\n", NR, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }'; }

# cpu_ticks PID: user+system time of a process so far, in clock ticks (all its threads).
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
# rss_kib PID [VmRSS|VmHWM]: resident memory in KiB.
rss_kib() { awk -v k="${2:-VmRSS}:" '$1==k {print $2}' "/proc/$1/status"; }

# machine: one line describing the machine and the tools, for the docs.
machine() {
  local node_v nginx_v
  node_v=$(node -v 2>/dev/null || echo "no node")
  nginx_v=$( (nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1) | sed 's/.*version: //' | head -1)
  printf '%s cores (%s), %s memory, Linux %s; %s; node %s, PM2 %s, recluster %s; %s; %s\n' \
    "$NCPU" "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
    "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" "$(uname -r)" \
    "$("$JAVA" -version 2>&1 | sed -n 2p)" "$node_v" \
    "$(node -p 'require(process.argv[1]).version' "$PEERS/node_modules/pm2/package.json" 2>/dev/null || echo '?')" \
    "$(node -p 'require(process.argv[1]).version' "$PEERS/node_modules/recluster/package.json" 2>/dev/null || echo '?')" \
    "${nginx_v:-no nginx}" "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
}
