#!/usr/bin/env bash
# Throughput, keep-alive and connection per request, 1 and N workers: clusterflock library mode
# (examples/hello), command mode (the same hello.jar under `clusterflock run`, and examples/python),
# one JVM serving the same handler on the same Jetty with all cores (bench/baseline), N copies of
# that JVM sharing the port with SO_REUSEPORT (the alternative to one shared queue), Node's cluster
# module, PM2 cluster mode, and nginx `return 200` as the machine's ceiling. wrk on 127.0.0.1.
# Writes bench/results/throughput.{md,tsv,dat}; about 7 minutes with the defaults.
#
# One run of each: the keep-alive targets are measured over alternating rounds by
# bench/keepalive-rounds.sh, as one run on a shared 2-core machine varies by 10 %.
#
#   bench/throughput.sh [--duration S] [--warm S] [--workers N] [--threads T] [--connections C] [--only KEYS]
source "$(dirname "$0")/lib.sh"
DURATION=10 WARM=8 WORKERS=$NCPU THREADS=2 CONNS=50 ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warm) WARM=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;; # comma-separated keys, e.g. single,library-n (a partial run, for testing)
    *) echo "usage: bench/throughput.sh [--duration S] [--warm S] [--workers N] [--threads T] [--connections C] [--only KEYS]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; need_nginx; need_node; build
use_cleanup

OUT="$RESULTS/throughput"
rm -rf "$OUT"; mkdir -p "$OUT"
TSV="$RESULTS/throughput.tsv"
printf 'key\tlabel\tworkers\tmode\trps\tp50\tp99\tfailed\tshort\n' > "$TSV"
PORT=5200

# contender KEY LABEL SHORT-LABEL WORKERS KIND: start it, warm it up, one keep-alive and one
# connection-per-request run, stop it.
contender() {
  local key=$1 label=$2 short=$3 workers=$4 kind=$5 url
  PORT=$((PORT + 1)); url="http://127.0.0.1:$PORT/"
  [ -z "$ONLY" ] || case ",$ONLY," in *",$key,"*) ;; *) return 0 ;; esac
  echo "bench: $label, $workers worker(s)" >&2
  case "$kind" in
    nginx) start_nginx "$PORT" "$workers" "$OUT/$key-nginx" ;;
    single) start_single "$PORT" "$OUT/$key.log" ;;
    *) "start_$kind" "$PORT" "$workers" "$OUT/$key.log" ;;
  esac
  wrk_run "$OUT/$key-warm.txt" -t"$THREADS" -c"$CONNS" -d"${WARM}s" "$url"
  wrk_run "$OUT/$key-ka.txt" -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "$url"
  wrk_run "$OUT/$key-warm-close.txt" -t"$THREADS" -c"$CONNS" -d2s -H "Connection: close" "$url"
  wrk_run "$OUT/$key-close.txt" -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -H "Connection: close" "$url"
  stop_contender "$kind"
  local mode
  for mode in ka close; do
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$label" "$workers" "$mode" "$(rps_int "$OUT/$key-$mode.txt")" \
      "$(wrk_p50 "$OUT/$key-$mode.txt")" "$(wrk_p99 "$OUT/$key-$mode.txt")" "$(wrk_failed "$OUT/$key-$mode.txt")" "$short" >> "$TSV"
  done
}

N=$WORKERS
contender nginx-n "nginx \`return 200\` (ceiling)" "nginx" "$N" nginx
contender single "one JVM, same handler on Jetty, all cores" "one JVM" 1 single
contender library-n "clusterflock library mode (hello.jar)" "clusterflock library" "$N" library
contender reuseport-n "$N JVMs sharing the port with SO_REUSEPORT, no master (the alternative to one queue)" "SO_REUSEPORT JVMs" "$N" reuseport
contender command-n "clusterflock command mode (hello.jar under \`run\`)" "clusterflock command" "$N" command
contender node-n "Node cluster module" "Node cluster" "$N" node_cluster
contender pm2-n "PM2 cluster mode" "PM2" "$N" pm2
contender library-1 "clusterflock library mode (hello.jar)" "clusterflock library" 1 library
contender command-1 "clusterflock command mode (hello.jar under \`run\`)" "clusterflock command" 1 command
contender node-1 "Node cluster module" "Node cluster" 1 node_cluster
contender pm2-1 "PM2 cluster mode" "PM2" 1 pm2
contender nginx-1 "nginx \`return 200\` (ceiling)" "nginx" 1 nginx
contender python-n "clusterflock command mode (examples/python, stdlib http.server)" "clusterflock command, Python" "$N" python

# field KEY MODE COLUMN
field() { awk -F'\t' -v k="$1" -v m="$2" -v c="$3" 'NR==1 {for (i=1;i<=NF;i++) col[$i]=i; next} $1==k && $4==m {print $col[c]}' "$TSV"; }

table() { # MODE TITLE
  local mode=$1 single nginx
  single=$(field single "$mode" rps); nginx=$(field nginx-n "$mode" rps)
  echo "| contender | workers | req/s | p50 ms | p99 ms | failed | × one JVM | × nginx ($N) |"
  echo "|---|---|---|---|---|---|---|---|"
  awk -F'\t' -v m="$mode" -v s="$single" -v n="$nginx" 'NR>1 && $4==m {
      printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, ($1=="single" ? "1 JVM" : $3), $5, $6, $7, $8,
        (s>0 ? sprintf("%.2f", $5/s) : "n/a"), (n>0 ? sprintf("%.2f", $5/n) : "n/a") }' "$TSV"
}

{
  echo "### Keep-alive"
  echo
  table ka
  echo
  echo "### Connection per request (\`Connection: close\`)"
  echo
  table close
  echo
  echo "wrk ${THREADS} threads, ${CONNS} connections, ${DURATION} s per run after a ${WARM} s warm-up (and 2 s more"
  echo "before the connection-per-request run), all on 127.0.0.1; wrk shares the $NCPU cores with the server."
  echo "N = $N workers. Every JVM runs with the JDK's defaults (G1, default heap), as \`java -jar hello.jar\` does."

  if [ "$(field python-n close failed)" != "" ] && [ "$(field python-n close failed)" != 0 ]; then
    echo
    echo "examples/python's failed connection-per-request runs are wrk's read errors: the example closes the"
    echo "connection after answering a \`Connection: close\` request without saying \`Connection: close\` in its"
    echo "answer, so wrk sends its next request on a connection that is closing (every answer did arrive)."
  fi
} > "$RESULTS/throughput.md"

# the plot's data: one line per contender, keep-alive then connection-per-request req/s
awk -F'\t' 'NR>1 { lbl = $9; if ($1 != "single") lbl = lbl ", " $3 (($3 == 1) ? " worker" : " workers");
    if ($4=="ka") ka[$1]=$5; else cl[$1]=$5; name[$1]=lbl; if (!($1 in seen)) { seen[$1]=1; order[++n]=$1 } }
    END { for (i=1;i<=n;i++) printf "\"%s\" %s %s\n", name[order[i]], ka[order[i]], cl[order[i]] }' "$TSV" > "$RESULTS/throughput.dat"

# The targets: bench/keepalive-rounds.sh (medians of alternating rounds).
rm -f "$RESULTS/throughput.targets" "$RESULTS/throughput-rounds.tsv"

{
  for f in "$OUT"/*-ka.txt "$OUT"/*-close.txt; do
    echo "#### $(basename "$f" .txt)"; echo; echo '```'; cat "$f"; echo '```'; echo
  done
} > "$RESULTS/throughput-raw.md"

cat "$RESULTS/throughput.md"
