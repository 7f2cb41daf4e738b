#!/usr/bin/env bash
# Memory per worker: what one more worker costs in proportional set size (PSS: each shared page
# counted once, split among the processes that map it), summed over the master, its guard and
# every worker (/proc/PID/smaps_rollup), with 4 workers and, in the same cluster scaled down, with
# 1, each after a short load; the difference over 3 is the cost of an extra worker. For the demo (bin/clusterflock demo, Jetty
# workers) and examples/hello (library mode: the master is the application's own JVM), with and
# without the AOT cache, under JVM settings:
#   off      --memory off: every worker sizes itself for the whole machine (the JVM's defaults)
#   g1       the default --memory (-XX:MaxRAM=share) with the G1 collector chosen by hand
#   default  the defaults: -XX:MaxRAM=share, and the Serial collector where the worker's share of
#            the machine is not server-class (here: 2 cores, so always)
#   arena    -XX:+UseSerialGC and MALLOC_ARENA_MAX=2 (glibc's malloc arenas, 8 per core by default)
#   lean     arena, -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -Xss512k (C1 only: less
#            compiled code and compiler memory, slower peak code)
# beside one JVM serving the same handler with all cores (bench/baseline) and Node's cluster module
# (bench/peers/node-cluster.js), 1 and 4 workers. Each figure is the median of --rounds runs.
# Writes bench/results/NAME.{md,targets,tsv} (NAME: --out, default memory); about 15 minutes a
# round with the defaults.
#
#   bench/memory.sh [--load S] [--rounds N] [--variants off,g1,default,arena,lean] [--kinds demo,hello]
#                   [--aot off,on] [--peers yes|no] [--out NAME]
source "$(dirname "$0")/lib.sh"
LOAD=4 ROUNDS=1 VARIANTS="off g1 default arena lean" KINDS="demo hello" AOTS="off on" PEERS_TOO=yes NAME=memory
while [ $# -gt 0 ]; do
  case "$1" in
    --load) LOAD=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --variants) VARIANTS=${2//,/ }; shift 2 ;;
    --kinds) KINDS=${2//,/ }; shift 2 ;;
    --aot) AOTS=${2//,/ }; shift 2 ;;
    --peers) PEERS_TOO=$2; shift 2 ;;
    --out) NAME=$2; shift 2 ;;
    *) echo "usage: bench/memory.sh [--load S] [--rounds N] [--variants off,g1,default,arena,lean] [--kinds demo,hello] [--aot off,on] [--peers yes|no] [--out NAME]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; need_node; build
use_cleanup

OUT="$RESULTS/$NAME"
rm -rf "$OUT"; mkdir -p "$OUT"
TSV="$RESULTS/$NAME.tsv"
printf 'kind\tvariant\taot\tworkers\tround\tpss_kib\tworkers_kib\trps\n' > "$TSV"
PORT=5280
export XDG_CACHE_HOME="$OUT/cache" # caches of this run only: each variant trains its own

# descendants PID: PID and every process under it.
descendants() { local p; echo "$1"; for p in $(ps -o pid= --ppid "$1" 2>/dev/null); do descendants "$p"; done; }
# pss_kib PID: the PSS of PID and its descendants, in KiB (the median of three samples 0.5 s apart).
pss_kib() {
  local i p
  for i in 1 2 3; do
    for p in $(descendants "$1"); do awk '$1=="Pss:" {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null; done | awk '{s+=$1} END {print s+0}'
    sleep 0.5
  done | sort -n | sed -n 2p
}

jvm_options() { # VARIANT: the workers' JVM options
  case "$1" in
    g1) echo "-XX:+UseG1GC" ;;
    arena) echo "-XX:+UseSerialGC" ;;
    lean) echo "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -Xss512k" ;;
    try) echo "${BENCH_TRY_OPTS:-}" ;; # any options, for exploring: BENCH_TRY_OPTS='-XX:...' bench/memory.sh --variants try
  esac
}
arenas() { case "$1" in arena|lean) echo 2 ;; esac; } # MALLOC_ARENA_MAX

# start_kind KIND VARIANT AOT WORKERS LOG: a cluster; BG is its master.
start_kind() {
  local kind=$1 variant=$2 aot=$3 workers=$4 log=$5 opts memory=() cache=() env=()
  opts=$(jvm_options "$variant")
  [ "$variant" != off ] || memory=(--memory off)
  [ "$aot" = on ] || cache=(--aot-cache off)
  [ -z "$(arenas "$variant")" ] || env=(MALLOC_ARENA_MAX="$(arenas "$variant")")
  PORT=$((PORT + 1))
  case "$kind" in
    demo)
      local flags=("${memory[@]}" "${cache[@]}")
      [ -z "$opts" ] || flags+=(-e "JDK_JAVA_OPTIONS=$opts")
      [ ${#env[@]} = 0 ] || flags+=(-e "${env[0]}")
      start_demo "$PORT" "$workers" "$log" -t 120s "${flags[@]}" ;;
    hello)
      local props=(-Dclusterflock.workers="$workers" -Dclusterflock.port="$PORT" -Dclusterflock.host=127.0.0.1 -Dclusterflock.timeout=120s)
      [ "$variant" != off ] || props+=(-Dclusterflock.memory=off)
      [ "$aot" = on ] || props+=(-Dclusterflock.aotCache=off)
      # shellcheck disable=SC2086 # $opts: words
      bg_start "$log" env "${env[@]}" "$JAVA" $opts "${props[@]}" -jar "$ROOT/examples/hello/target/hello.jar"
      wait_log "$log" ' ready$' "$workers" 120; wait_http "$PORT" ;;
  esac
}

# train KIND VARIANT: one worker records the AOT cache under load, and its master assembles it as it stops.
train() {
  local log="$OUT/$1-$2-train.log"
  start_kind "$1" "$2" on 1 "$log"
  if grep -q 'records the AOT cache' "$log"; then
    wrk_run "$log.wrk.txt" -t1 -c8 -d3s "http://127.0.0.1:$PORT/"
    kill -TERM "$BG"
    for _ in $(seq 1 1200); do kill -0 "$BG" 2>/dev/null || break; sleep 0.1; done
  fi
  bg_stop "$BG"
  grep -q 'AOT cache .* written' "$log" || echo "bench: no AOT cache trained for $1 $2 ($log)" >&2
}

# workers_kib PID: the PSS of PID's descendants but itself and its guard (the workers), in KiB.
workers_kib() {
  local p
  for p in $(descendants "$1"); do
    [ "$p" != "$1" ] || continue
    case "$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)" in *"clusterflock guard"*) continue ;; esac
    awk '$1=="Pss:" {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null
  done | awk '{s+=$1} END {print s+0}'
}

# sample KEY KIND VARIANT AOT WORKERS ROUND: LOAD seconds of wrk on the running cluster (BG), then
# its PSS, and its workers' alone.
sample() {
  local key=$1; shift
  wrk_run "$OUT/$key.txt" -t2 -c16 -d"${LOAD}s" "http://127.0.0.1:$PORT/"
  sleep 1
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$(pss_kib "$BG")" "$(workers_kib "$BG")" "$(rps_int "$OUT/$key.txt")" >> "$TSV"
}

# measure KIND VARIANT AOT ROUND: one cluster, measured with 4 workers, then scaled to 1 (the
# least recently forked go) and measured again: the same master in both, so that what differs is
# the 3 workers (a library-mode master is a JVM of the application's size, whose own PSS varies
# from one start to the next by more than a worker's).
measure() {
  local kind=$1 variant=$2 aot=$3 round=$4 key="$1-$2-$3-$4"
  echo "bench: $kind, $variant, AOT cache $aot, round $round" >&2
  case "$kind" in
    node)
      PORT=$((PORT + 1)); start_node_cluster "$PORT" 4 "$OUT/$key-4.log"
      sample "$key-4" "$kind" "$variant" "$aot" 4 "$round"; bg_stop "$BG"
      PORT=$((PORT + 1)); start_node_cluster "$PORT" 1 "$OUT/$key-1.log"
      sample "$key-1" "$kind" "$variant" "$aot" 1 "$round"; bg_stop "$BG"
      return ;;
    single)
      PORT=$((PORT + 1)); start_single "$PORT" "$OUT/$key.log"
      sample "$key-1" "$kind" "$variant" "$aot" 1 "$round"; bg_stop "$BG"
      return ;;
  esac
  start_kind "$kind" "$variant" "$aot" 4 "$OUT/$key.log"
  sample "$key-4" "$kind" "$variant" "$aot" 4 "$round"
  # the workers' heap limits, for the record (the bench's masters are all named "default")
  "$CLUSTERFLOCK" status --json > "$OUT/$key.status.json" 2>&1 || true
  "$CLUSTERFLOCK" scale 1 > /dev/null
  local deadline=$((SECONDS + 60))
  until [ "$("$CLUSTERFLOCK" status --json 2>/dev/null | jq '.workers | length')" = 1 ]; do
    [ $SECONDS -lt $deadline ] || { echo "bench: $key did not scale to 1 worker" >&2; break; }
    sleep 0.2
  done
  sample "$key-1" "$kind" "$variant" "$aot" 1 "$round"
  bg_stop "$BG"
}

for kind in $KINDS; do
  for variant in $VARIANTS; do
    for aot in $AOTS; do
      [ "$aot" = off ] || train "$kind" "$variant"
      for round in $(seq 1 "$ROUNDS"); do
        measure "$kind" "$variant" "$aot" "$round"
      done
    done
  done
done
if [ "$PEERS_TOO" = yes ]; then
  for round in $(seq 1 "$ROUNDS"); do
    measure single - - "$round"
    measure node - - "$round"
  done
fi

# field KIND VARIANT AOT WORKERS COLUMN: the median over the rounds
field() { awk -F'\t' -v k="$1" -v v="$2" -v a="$3" -v w="$4" -v c="$5" 'NR==1 {for (i=1;i<=NF;i++) col[$i]=i; next}
  $1==k && $2==v && $3==a && $4==w {print $col[c]}' "$TSV" | sort -n | awk '{v[NR]=$1} END {if (NR) print (NR % 2 ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2))}'; }
mib() { awk -v k="$1" 'BEGIN { if (k == "") print "n/a"; else printf "%.1f", k / 1024 }'; }
extra() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "n/a"; else printf "%.1f", (b - a) / 3 / 1024 }'; }

{
  echo "PSS of the whole cluster (master, guard and workers; MiB) after ${LOAD} s of wrk -t2 -c16, with 4 workers and,"
  echo "in the same cluster scaled down, 1; what each worker past the first adds, to the cluster and to the"
  echo "workers' own PSS$([ "$ROUNDS" = 1 ] || echo " (medians of $ROUNDS rounds)"):"
  echo
  echo "| workers of | JVM settings | AOT cache | 1 worker | 4 workers | per extra worker | the workers alone, per extra worker | req/s (4 workers, ${LOAD} s) |"
  echo "|---|---|---|---|---|---|---|---|"
  for kind in $KINDS; do
    for variant in $VARIANTS; do
      for aot in $AOTS; do
        one=$(field "$kind" "$variant" "$aot" 1 pss_kib); four=$(field "$kind" "$variant" "$aot" 4 pss_kib)
        echo "| $kind | $variant | $aot | $(mib "$one") | $(mib "$four") | $(extra "$one" "$four") | $(extra "$(field "$kind" "$variant" "$aot" 1 workers_kib)" "$(field "$kind" "$variant" "$aot" 4 workers_kib)") | $(field "$kind" "$variant" "$aot" 4 rps) |"
      done
    done
  done
  if [ "$PEERS_TOO" = yes ]; then
    one=$(field node - - 1 pss_kib); four=$(field node - - 4 pss_kib)
    echo "| Node cluster module | node $(node -v 2>/dev/null) | - | $(mib "$one") | $(mib "$four") | $(extra "$one" "$four") | $(extra "$(field node - - 1 workers_kib)" "$(field node - - 4 workers_kib)") | $(field node - - 4 rps) |"
    echo
    echo "One JVM serving the same handler with all cores (bench/baseline): $(mib "$(field single - - 1 pss_kib)") MiB PSS."
  fi
  echo
  echo "Variants: off = \`--memory off\` (the JVM's defaults: a quarter of the machine's memory per heap, G1);"
  echo "g1 = the default \`--memory\` (each worker \`-XX:MaxRAM=\` its share) with \`-XX:+UseG1GC\` set by hand;"
  echo "default = clusterflock's defaults (\`-XX:MaxRAM=\` and, a core per worker here, \`-XX:+UseSerialGC\`);"
  echo "arena = Serial and \`MALLOC_ARENA_MAX=2\`; lean = arena and \`-XX:TieredStopAtLevel=1"
  echo "-XX:ReservedCodeCacheSize=32m -Xss512k\`."
} > "$RESULTS/$NAME.md"

best=""
for variant in $VARIANTS; do
  for aot in $AOTS; do
    v=$(extra "$(field hello "$variant" "$aot" 1 pss_kib)" "$(field hello "$variant" "$aot" 4 pss_kib)")
    [ "$v" = n/a ] && continue
    if [ -z "$best" ] || awk -v a="$v" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then best="$v $variant, AOT cache $aot"; fi
  done
done
default=$(extra "$(field hello default on 1 pss_kib)" "$(field hello default on 4 pss_kib)")
echo "| an extra hello worker at most 40 MiB PSS, default settings and AOT cache | $default MiB (best: ${best#* } at ${best%% *} MiB) | $(awk -v v="$default" 'BEGIN { print (v != "n/a" && v <= 40) ? "met" : "**missed**" }') |" \
  > "$RESULTS/$NAME.targets"
cat "$RESULTS/$NAME.md" "$RESULTS/$NAME.targets"
