#!/usr/bin/env bash
# The keep-alive throughput targets, measured so that one slow minute of a shared machine cannot
# decide them: one JVM with all cores, clusterflock library mode with N workers, Node's cluster
# module and PM2 cluster mode, each started afresh, warmed up and measured in turn, ROUNDS times
# over (alternating, so a disturbance hits every contender alike). The targets compare medians.
# Writes bench/results/keepalive-rounds.{md,targets,tsv}; about 5 minutes with the defaults.
#
#   bench/keepalive-rounds.sh [--duration S] [--warm S] [--workers N] [--rounds R]
source "$(dirname "$0")/lib.sh"
DURATION=10 WARM=8 WORKERS=$NCPU THREADS=2 CONNS=50 ROUNDS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warm) WARM=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    *) echo "usage: bench/keepalive-rounds.sh [--duration S] [--warm S] [--workers N] [--rounds R]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; need_node; build
use_cleanup

OUT="$RESULTS/keepalive-rounds"
rm -rf "$OUT"; mkdir -p "$OUT"
TSV="$RESULTS/keepalive-rounds.tsv"
printf 'kind\tround\trps\tp99\n' > "$TSV"
PORT=5280
N=$WORKERS
KINDS="single library node_cluster pm2"
declare -A LABEL=([single]="one JVM, same handler on Jetty, all cores" [library]="clusterflock library mode (hello.jar), $N workers"
  [node_cluster]="Node cluster module, $N workers" [pm2]="PM2 cluster mode, $N workers")

for r in $(seq 1 "$ROUNDS"); do
  for kind in $KINDS; do
    PORT=$((PORT + 1)); url="http://127.0.0.1:$PORT/"
    echo "bench: round $r, ${LABEL[$kind]}" >&2
    case "$kind" in
      single) start_single "$PORT" "$OUT/$kind-$r.log" ;;
      *) "start_$kind" "$PORT" "$N" "$OUT/$kind-$r.log" ;;
    esac
    wrk_run "$OUT/$kind-$r-warm.txt" -t"$THREADS" -c"$CONNS" -d"${WARM}s" "$url"
    wrk_run "$OUT/$kind-$r.txt" -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "$url"
    stop_contender "$kind"
    printf '%s\t%s\t%s\t%s\n' "$kind" "$r" "$(rps_int "$OUT/$kind-$r.txt")" "$(wrk_p99 "$OUT/$kind-$r.txt")" >> "$TSV"
  done
done

# rounds KIND: "a / b / c"; median KIND: their median (req/s)
rounds() { awk -F'\t' -v k="$1" 'NR>1 && $1==k {printf "%s%s", (n++ ? " / " : ""), $3} END {print ""}' "$TSV"; }
median() { awk -F'\t' -v k="$1" 'NR>1 && $1==k {print $3}' "$TSV" | sort -n | awk '{v[NR]=$1} END {if (NR) print (NR%2 ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2))}'; }
single=$(median single); lib=$(median library); node=$(median node_cluster); pm2v=$(median pm2)
{
  echo "| contender | req/s in rounds 1 / 2 / … | median req/s | × one JVM (medians) |"
  echo "|---|---|---|---|"
  for kind in $KINDS; do
    echo "| ${LABEL[$kind]} | $(rounds "$kind") | $(median "$kind") | $(ratio "$(median "$kind")" "$single") |"
  done
  echo
  echo "$ROUNDS rounds; in each, every contender is started, warmed up for ${WARM} s and measured for ${DURATION} s"
  echo "(wrk ${THREADS} threads, ${CONNS} keep-alive connections), then stopped, one after the other."
} > "$RESULTS/keepalive-rounds.md"
{
  echo "| keep-alive req/s, $N workers (library mode) ≥ 0.97 × one JVM with all cores (medians of $ROUNDS alternating rounds) | $lib / $single = $(ratio "$lib" "$single") | $(awk -v r="$(ratio "$lib" "$single")" 'BEGIN { print (r != "n/a" && r >= 0.97) ? "met" : "**missed**" }') |"
  echo "| … and ahead of Node cluster ($node) and PM2 ($pm2v) (medians) | × $(ratio "$lib" "$node"), × $(ratio "$lib" "$pm2v") | $(if [ -z "$lib" ] || [ -z "$node" ] || [ -z "$pm2v" ]; then echo "not measured"; elif [ "$lib" -gt "$node" ] && [ "$lib" -gt "$pm2v" ]; then echo met; else echo '**missed**'; fi) |"
} > "$RESULTS/keepalive-rounds.targets"
cat "$RESULTS/keepalive-rounds.md"; echo; cat "$RESULTS/keepalive-rounds.targets"
