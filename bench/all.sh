#!/usr/bin/env bash
# Every benchmark, one after the other, then docs/BENCHMARKS.md (tables, targets, raw wrk output)
# and docs/benchmarks.png (gnuplot). Installs what is missing (wrk, nginx, gnuplot, h2load with apt;
# PM2 and recluster with npm under bench/peers). Loopback only; each part is bounded to 10 minutes;
# about 75 minutes in all. Run it on a quiet machine: the load generator shares the cores with the servers.
#
#   bench/all.sh            the real run
#   bench/all.sh --quick    a smoke run of every part (seconds of load each; numbers meaningless)
#   bench/all.sh --parts throughput,respawn   some parts only: the others' sections keep the results
#                           of an earlier run, marked as such
# A part is bench/PART.sh, except warm-after-kill: bench/aot-warmup.sh.
#   bench/all.sh --doc-only rewrites the doc and the plot from the results in bench/results
source "$(dirname "$0")/lib.sh"
ALL="throughput keepalive-rounds overhead memory fairness respawn warm-after-kill chaos recycle sticky spring tls peers-reload reload-pace"
QUICK="" PARTS=$ALL
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; shift ;;
    --parts) PARTS=${2//,/ }; shift 2 ;;
    --doc-only) PARTS=""; shift ;;
    *) echo "usage: bench/all.sh [--quick] [--parts ${ALL// /,}] [--doc-only]" >&2; exit 2 ;;
  esac
done
for part in $PARTS; do
  case " $ALL " in *" $part "*) ;; *) echo "bench: no part $part (parts: $ALL)" >&2; exit 2 ;; esac
done
need wrk; need curl; need gnuplot gnuplot-nox; need h2load nghttp2-client; need_nginx; need_node; build

PART_PID=""
trap '[ -z "$PART_PID" ] || { kill -TERM "$PART_PID" 2>/dev/null; wait "$PART_PID" 2>/dev/null; }; exit 130' INT TERM HUP

args() { # the arguments of a part
  if [ -z "$QUICK" ]; then
    [ "$1" != memory ] || echo "--kinds hello --variants off,g1,default,lean" # within the 10 minutes of a part
    return
  fi
  case "$1" in
    throughput) echo "--duration 2 --warm 1" ;;
    keepalive-rounds) echo "--duration 2 --warm 1 --rounds 2" ;;
    overhead) echo "--duration 3" ;;
    fairness) echo "--duration 2" ;;
    respawn) echo "--kills 2" ;;
    warm-after-kill) echo "--kills 1 --variants off,aot" ;;
    sticky) echo "--duration 3" ;;
    spring) echo "--kills 1 --duration 3 --reloads 1 --interval 1.5" ;;
    tls) echo "--duration 2 --warm 1 --reload-duration 10 --reload-at 3" ;;
    chaos|recycle) echo "--duration 5" ;;
    memory) echo "--load 1 --variants default --kinds hello --peers no" ;;
    peers-reload|reload-pace) echo "--duration 3 --reloads 2 --interval 1.5" ;;
  esac
}
script() { # the script of a part
  case "$1" in
    warm-after-kill) echo "$ROOT/bench/aot-warmup.sh" ;;
    *) echo "$ROOT/bench/$1.sh" ;;
  esac
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
declare -A STATUS SECS
for part in $ALL; do
  case " $PARTS " in
    *" $part "*) rm -f "$RESULTS/$part.md" "$RESULTS/$part.targets" "$RESULTS/$part-raw.md" ;;
    *) if [ -s "$RESULTS/$part.md" ]; then
         STATUS[$part]="from an earlier run ($(date -u -r "$RESULTS/$part.md" '+%Y-%m-%d %H:%M UTC')$([ ! -f "$RESULTS/$part.quick" ] || echo ', --quick'))"
       else STATUS[$part]="not run"; fi
       continue ;;
  esac
  if [ -n "$QUICK" ]; then touch "$RESULTS/$part.quick"; else rm -f "$RESULTS/$part.quick"; fi
  echo "bench: === $part ===" >&2
  t0=$SECONDS
  # shellcheck disable=SC2046
  timeout -k 30 600 bash "$(script "$part")" $(args "$part") > "$RESULTS/all-$part.log" 2>&1 &
  PART_PID=$!
  if wait "$PART_PID"; then STATUS[$part]=ok; else rc=$?; STATUS[$part]="failed (exit $rc$([ $rc != 124 ] || echo ', over 10 minutes'))"; fi
  PART_PID=""
  SECS[$part]=$((SECONDS - t0))
  echo "bench: $part: ${STATUS[$part]} in ${SECS[$part]} s" >&2
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# the plot: keep-alive and connection-per-request req/s per contender
PLOT=""
if [ -s "$RESULTS/throughput.dat" ]; then
  gnuplot <<GNUPLOT && PLOT=1
set terminal pngcairo noenhanced size 1100,600 font "sans,10"
set output "$ROOT/docs/benchmarks.png"
set title "Throughput on 127.0.0.1: wrk, ${NCPU} cores shared by the load generator and the server"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel "requests per second"
set yrange [0:*]
set grid ytics
set offsets 0, 0, graph 0.1, 0
set xtics rotate by 30 right scale 0 font ",9" nomirror
set key top left
set bmargin 9
set lmargin 12
plot "$RESULTS/throughput.dat" using 2:xtic(1) title "keep-alive" lc rgb "#2b6cb0", \
     "" using 3 title "connection per request" lc rgb "#dd8a2e", \
     "" using (\$0 - 0.22):2:(sprintf("%.0f", \$2)) with labels rotate left offset 0,0.4 font ",7" notitle, \
     "" using (\$0 + 0.22):3:(sprintf("%.0f", \$3)) with labels rotate left offset 0,0.4 font ",7" notitle
GNUPLOT
fi

section() { # PART: its tables, or why there are none
  if [ -s "$RESULTS/$1.md" ]; then
    case "${STATUS[$1]}" in ok) ;; *) echo "**Results ${STATUS[$1]}, not of this one.**"; echo ;; esac
    cat "$RESULTS/$1.md"
  else
    echo "*This part ${STATUS[$1]}.*"
    [ "${STATUS[$1]}" = "not run" ] || { echo; echo '```'; tail -20 "$RESULTS/all-$1.log"; echo '```'; }
  fi
}
targets() {
  echo "| target | measured | |"
  echo "|---|---|---|"
  local part any=""
  for part in keepalive-rounds throughput peers-reload reload-pace respawn warm-after-kill chaos recycle sticky spring overhead memory fairness; do
    [ -s "$RESULTS/$part.targets" ] && { cat "$RESULTS/$part.targets"; any=1; }
  done
  [ -n "$any" ] || echo "| (no part ran) | | |"
}

DOC="$ROOT/docs/BENCHMARKS.md"
{
  echo "# Benchmarks"
  echo
  if [ -n "$PARTS" ]; then
    echo "Produced by \`bench/all.sh\`$([ -n "$QUICK" ] && echo ' **--quick (a smoke run: the numbers mean nothing)**') on $STARTED, in one run, on one machine:"
  else
    echo "Rewritten by \`bench/all.sh --doc-only\` on $STARTED from the results of earlier runs, on this machine:"
  fi
  echo
  echo "- $(machine)"
  [ -z "$PARTS" ] || echo "- load average before the run $LOAD_BEFORE, after $LOAD_AFTER."
  echo "- Everything on 127.0.0.1, the load generator (wrk) on the same cores as the servers: no number here"
  echo "  is a server alone."
  echo "- Parts: $(for p in $ALL; do printf '%s %s%s; ' "$p" "${STATUS[$p]}" "${SECS[$p]:+ in ${SECS[$p]} s}"; done | sed 's/; $/./')"
  echo
  echo "## Targets"
  echo
  echo "Each a ratio or a number from one run of its part, every contender measured in that same run."
  echo
  targets
  echo
  echo "<!-- analysis -->"
  echo
  echo "## Throughput"
  echo
  if [ -n "$PLOT" ]; then echo "![keep-alive and connection-per-request req/s per contender](benchmarks.png)"; echo; fi
  echo "Every contender answers \`GET /\` with a few bytes of plain text: clusterflock and the single JVM run"
  echo "examples/hello's JDK \`HttpHandler\` (\`hello from worker <id>\`), the Node peers the same body from"
  echo "bench/peers/app.js, nginx \`hello\`. Command mode runs the same hello.jar as a worker under"
  echo "\`clusterflock run\` (the master is then bin/clusterflock rather than the application's own JVM);"
  echo "examples/python shows what a non-Java worker (the standard library's http.server) gets. The"
  echo "SO_REUSEPORT row is N copies of the single-JVM baseline binding the same port each with SO_REUSEPORT,"
  echo "without a master: the alternative to clusterflock's one shared listen queue (see Fairness)."
  echo
  echo "**Why this single-JVM baseline.** bench/baseline/SingleJvm.java serves examples/hello's handler, copied"
  echo "verbatim, on the Jetty 12 and jetty-http-spi from hello.jar's class path, the way clusterflock-jetty"
  echo "installs it (the SPI server in shared mode on a context collection), with the same default thread pool;"
  echo "only the connector differs: a plain \`ServerConnector\` that binds the port itself, with Jetty's default"
  echo "acceptors and selectors for this machine, where each clusterflock worker has one blocking acceptor on"
  echo "the inherited socket. Same handler, same server, same JVM defaults: the ratio measures what N"
  echo "processes cost or gain against one process using every core, not a difference between servers."
  echo
  section throughput
  echo
  echo "### Keep-alive in alternating rounds: the targets"
  echo
  echo "One run of each contender, as in the tables above, varies by about 10 % on this shared machine from one"
  echo "minute to the next. The keep-alive targets therefore compare medians of rounds in which one JVM,"
  echo "clusterflock library mode, Node's cluster module and PM2 are each started afresh, warmed up and"
  echo "measured, one after the other (bench/keepalive-rounds.sh):"
  echo
  section keepalive-rounds
  echo
  echo "<!-- analysis -->"
  echo
  echo "## Reload under load"
  echo
  echo "Failed requests, p99 and throughput while the cluster reloads, against a steady run just before,"
  echo "in a storm of 10 reloads one every 2.5 s; for clusterflock (its defaults, the automatic AOT cache"
  echo "among them, and with \`--aot-cache off\`) also how long after the last USR2 the newest generation"
  echo "served every slot, from the master's JSON events (bench/peers-reload.sh). (bench/reload.sh measures"
  echo "clusterflock's library and command modes the same way: docs/RELOAD.md.)"
  echo
  section peers-reload
  echo
  echo "### How often JVM workers can be reloaded"
  echo
  echo "The same load and the same 10 reloads for clusterflock alone, one every 10 s instead of every 2.5 s,"
  echo "and whether every one of the 10 generations went live (bench/reload-pace.sh):"
  echo
  section reload-pace
  echo
  echo "<!-- analysis -->"
  echo
  echo "## Respawn"
  echo
  section respawn
  echo
  echo "### Warm after a kill"
  echo
  echo "Answering is not serving at full speed: how long after a \`kill -9\` the replacement of the one demo"
  echo "worker serves at 80 % of a warm worker's rate, without the AOT cache and with it (the default)"
  echo "(bench/aot-warmup.sh):"
  echo
  section warm-after-kill
  echo
  echo "<!-- analysis -->"
  echo
  echo "## Chaos"
  echo
  echo "A random worker \`kill -9\`'d every second under keep-alive load, clusterflock against Node's cluster"
  echo "module: requests past 2 s, and failed requests against the connections the victims held"
  echo "(bench/chaos.sh):"
  echo
  section chaos
  echo
  echo "<!-- analysis -->"
  echo
  echo "## Recycling by request count"
  echo
  echo "\`--max-requests 1000\` under keep-alive load, saturating and paced: how many requests a worker had served"
  echo "when the master told it to stop, from its JSON events, and what recycling costs in throughput (bench/recycle.sh):"
  echo
  section recycle
  echo
  echo "<!-- analysis -->"
  echo
  echo "## Sticky sessions"
  echo
  echo "\`--sticky\` against the shared queue, with connections from 16 client addresses (wrk has one):"
  echo "throughput, latency, how answers spread over the workers, whether each client stayed on one worker,"
  echo "and what a \`kill -9\` of a worker costs in each mode (bench/sticky.sh):"
  echo
  section sticky
  echo
  echo "<!-- analysis -->"
  echo
  echo "## Spring Boot workers"
  echo
  echo "A Spring Boot application as workers (examples/spring-boot with clusterflock-spring-boot; bench/spring.sh):"
  echo
  section spring
  echo
  echo "<!-- analysis -->"
  echo
  echo "## TLS and HTTP/2"
  echo
  echo "Library mode over TLS (\`-Dclusterflock.tlsCert\`/\`-Dclusterflock.tlsKey\`) against one JVM with all cores"
  echo "serving the same handler on the same Jetty with the same certificate and the same connection factories"
  echo "as clusterflock-jetty's (TLS, ALPN, HTTP/2, HTTP/1.1), Node's cluster module (https, http2) and nginx"
  echo "with ssl as the ceiling: HTTP/1.1 over TLS with wrk, kept alive and with a handshake per request, then"
  echo "HTTP/2 with h2load (h2 by ALPN over TLS, h2c in clear text), and h2load through a reload"
  echo "(bench/tls.sh):"
  echo
  section tls
  echo
  echo "<!-- analysis -->"
  echo
  echo "## Master overhead"
  echo
  echo "What the process that supervises costs while its workers are under load. clusterflock's master never"
  echo "touches a connection (the workers accept from the shared socket); Node's cluster primary and PM2's"
  echo "daemon accept every connection and pass it to a worker (round-robin, Node's default on Linux)."
  echo
  section overhead
  echo
  echo "<!-- analysis -->"
  echo
  echo "## Memory per worker"
  echo
  echo "What one more worker costs in memory: the PSS (proportional set size: a page shared by several"
  echo "processes counts once, split among them) of the whole cluster, master included, with 1 and with 4"
  echo "workers after a short load (bench/memory.sh). The AOT cache is mapped read-only by every worker"
  echo "that uses it, so its pages are shared."
  echo
  section memory
  echo
  echo "<!-- analysis -->"
  echo
  echo "## Fairness"
  echo
  echo "How evenly connection-per-request load spreads over the workers. clusterflock's workers each block in"
  echo "\`accept()\` on the one shared listening socket: one queue, taken from by whichever worker asks first."
  echo "The alternative measured beside it gives every process a socket of its own on the same port"
  echo "(SO_REUSEPORT: N copies of the single-JVM baseline, no master), each with its own queue, which the"
  echo "kernel fills by a hash of the connection's addresses and ports. Node's cluster primary and PM2 accept"
  echo "every connection themselves and hand them out in turn."
  echo
  section fairness
  echo
  echo "<!-- analysis -->"
  echo
  echo "## How to run it"
  echo
  echo '```sh'
  echo "bench/all.sh                 # everything, about 75 minutes; writes this file and docs/benchmarks.png"
  echo "bench/all.sh --quick --parts chaos,recycle   # a smoke run of some parts (numbers meaningless)"
  echo "bench/throughput.sh          # one part; each writes bench/results/<part>.md and prints its tables"
  echo "bench/keepalive-rounds.sh; bench/peers-reload.sh; bench/reload-pace.sh; bench/respawn.sh; bench/overhead.sh; bench/fairness.sh"
  echo "bench/aot-warmup.sh (the part warm-after-kill); bench/chaos.sh; bench/recycle.sh; bench/sticky.sh; bench/spring.sh; bench/tls.sh; bench/memory.sh"
  echo '```'
  echo
  echo "Ports 5200–5299 on 127.0.0.1 (bench/tls.sh: 5400–5499); every script stops what it started, also when"
  echo "interrupted. wrk drives the HTTP/1.1 load, h2load (nghttp2-client) the HTTP/2 load of bench/tls.sh."
  echo
  echo "## Appendix: raw numbers"
  echo
  for part in throughput peers-reload reload-pace chaos recycle overhead fairness; do
    [ -s "$RESULTS/$part-raw.md" ] || continue
    echo "<details><summary>$part: wrk output of every measured run</summary>"
    echo
    cat "$RESULTS/$part-raw.md"
    echo "</details>"
    echo
  done
  if [ -s "$RESULTS/respawn.md" ]; then
    echo "<details><summary>respawn: every kill, in ms (kill → replacement answers)</summary>"
    echo
    for f in "$RESULTS"/respawn/*.ms; do
      case "$f" in *-start.ms) continue ;; esac
      echo "- $(basename "$f" .ms): $(tr '\n' ' ' < "$f")"
    done
    echo
    echo "</details>"
    echo
  fi
  if [ -s "$RESULTS/warm-after-kill.md" ]; then
    echo "<details><summary>warm-after-kill: every kill (ms from the kill to the first answer, then ms from the kill:req/s of each 1 s slice)</summary>"
    echo
    for f in "$RESULTS"/warm-after-kill/*.runs; do
      echo "- $(basename "$f" .runs) (warm: $(cat "${f%.runs}.warm") req/s):"
      sed 's/^/  - /' "$f"
    done
    echo
    echo "</details>"
    echo
  fi
  if [ -s "$RESULTS/throughput.tsv" ]; then
    echo "<details><summary>throughput: the table's data (TSV)</summary>"
    echo
    echo '```'
    cat "$RESULTS/throughput.tsv"
    echo '```'
    echo "</details>"
  fi
  if [ -s "$RESULTS/tls.md" ] && [ -s "$RESULTS/tls.tsv" ]; then
    echo
    echo "<details><summary>tls: the tables' data (TSV; every tool's output is in bench/results/tls/)</summary>"
    echo
    echo '```'
    cat "$RESULTS/tls.tsv"
    [ ! -s "$RESULTS/tls/reload.tsv" ] || { echo; cat "$RESULTS/tls/reload.tsv"; }
    echo '```'
    echo "</details>"
  fi
} > "$DOC"
echo "written: docs/BENCHMARKS.md$([ -n "$PLOT" ] && echo ', docs/benchmarks.png')"
for p in $PARTS; do [ "${STATUS[$p]}" = ok ] || exit 1; done
