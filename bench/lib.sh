# Shared by the bench scripts: tools, JDK, starting and stopping clusters, reading wrk.
# Every load targets 127.0.0.1 only and every run is bounded in time.
set -eu
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$ROOT/bin/find-jdk")
JAVA="$JAVA_HOME/bin/java"
CLUSTERFLOCK="$ROOT/bin/clusterflock"
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"

# need TOOL [DEBIAN-PACKAGE]: installs it with apt-get when missing.
need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "bench: installing ${2:-$1}" >&2
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -q "${2:-$1}" >/dev/null 2>&1 || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "${2:-$1}" >/dev/null; }
}

# build: the jars the benches run, when missing.
build() {
  [ -f "$ROOT/clusterflock-cli/target/clusterflock.jar" ] && [ -f "$ROOT/examples/hello/target/hello.jar" ] && return
  (cd "$ROOT" && ./mvnw -B -q install -DskipTests)
}


# wait_http PORT [SECONDS]: until the port answers HTTP 200.
wait_http() {
  local deadline=$((SECONDS + ${2:-60}))
  until curl -sf -o /dev/null "http://127.0.0.1:$1/"; do
    [ $SECONDS -lt $deadline ] || { echo "bench: nothing answered on port $1" >&2; return 1; }
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
