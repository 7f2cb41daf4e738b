#!/usr/bin/env bash
# Respawn: `kill -9` to a worker, then the time until its replacement answers. One demo worker
# (`bin/clusterflock demo -w 1`), so that the client's request waits in the listen queue (the
# master keeps the socket open) and is answered by the replacement: the time from the kill to that
# answer is the time to a replacement accepting, as a client sees it. Before each kill the worker
# has been up more than 10 s, so that its death is re-forked at once (no crash-loop backoff).
# Variants: the JDK's default CDS archive; clusterflock's --aot-cache (a JDK 25 AOT cache that the
# first worker trains and later workers map); a dynamic CDS archive (-XX:ArchiveClassesAtExit,
# then -XX:SharedArchiveFile, given to the workers only with `-e JDK_JAVA_OPTIONS=...`).
# Writes bench/results/respawn.{md,targets}; about 6 minutes with the defaults.
#
#   bench/respawn.sh [--kills N] [--variants default,aot,cds]
source "$(dirname "$0")/lib.sh"
KILLS=10 VARIANTS=default,aot,cds
while [ $# -gt 0 ]; do
  case "$1" in
    --kills) KILLS=$2; shift 2 ;;
    --variants) VARIANTS=$2; shift 2 ;;
    --duration) shift 2 ;; # all.sh passes it to every part; kills, not seconds, bound this one
    *) echo "usage: bench/respawn.sh [--kills N] [--variants default,aot,cds]" >&2; exit 2 ;;
  esac
done
need wrk; need curl; build
use_cleanup

OUT="$RESULTS/respawn"
rm -rf "$OUT"; mkdir -p "$OUT"
PORT=5250
STABLE_MS=10500 # clusterflock's Backoff.STABLE_AFTER (10 s) and a margin
ROWS=""
TARGETS=""

# worker_pid URL: the pid named in the demo's answer (empty if no answer).
worker_pid() { curl -s --max-time 10 "$1" 2>/dev/null | sed -n 's/.*(pid \([0-9]*\)).*/\1/p'; }
# log_ms LOG PATTERN: the time of the last log line matching PATTERN, in ms since midnight.
log_ms() { grep -E "$2" "$1" | tail -1 | awk '{ split($1, t, /[:.]/); print ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4] }'; }
clock_ms() { date +%H:%M:%S.%3N | awk '{ split($1, t, /[:.]/); print ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4] }'; }
# stats: min / median / max of the numbers on stdin
stats() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) { print "n/a|n/a|n/a"; exit } printf "%d|%d|%d\n", v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }'; }

# train KIND FILE: one demo worker with the recording option, some load, a graceful stop (the JVM
# writes the archive at exit).
train() {
  local kind=$1 file=$2 opt
  case "$kind" in
    aot) opt=(--aot-cache "$file") ;;
    cds) opt=(-e "JDK_JAVA_OPTIONS=-XX:ArchiveClassesAtExit=$file") ;;
  esac
  rm -f "$file"
  PORT=$((PORT + 1))
  echo "bench: training run for $kind (${opt[*]})" >&2
  start_demo "$PORT" 1 "$OUT/train-$kind.log" -t 120s "${opt[@]}"
  wrk_run "$OUT/train-$kind.txt" -t1 -c10 -d3s "http://127.0.0.1:$PORT/"
  curl -s -o /dev/null "http://127.0.0.1:$PORT/sleep?ms=1"
  bg_stop "$BG"
  [ -s "$file" ] || { echo "bench: the $kind training run wrote no $file" >&2; return 1; }
}

# variant NAME LABEL [clusterflock flags...]
variant() {
  local name=$1 label=$2; shift 2
  PORT=$((PORT + 1))
  local url="http://127.0.0.1:$PORT/" log="$OUT/$name.log" times="$OUT/$name.ms" starts="$OUT/$name-start.ms"
  echo "bench: respawn, $label" >&2
  : > "$times"; : > "$starts"
  start_demo "$PORT" 1 "$log" "$@"
  wrk_run "$OUT/$name-warm.txt" -t1 -c10 -d2s "$url"
  local up; up=$(now_ms)
  local k old new t0 t1 c0
  for k in $(seq 1 "$KILLS"); do
    local wait_ms=$((up + STABLE_MS - $(now_ms)))
    [ "$wait_ms" -le 0 ] || sleep "$(awk -v m="$wait_ms" 'BEGIN { printf "%.3f", m / 1000 }')"
    old=$(worker_pid "$url")
    [ -n "$old" ] || { echo "bench: no worker answered" >&2; return 1; }
    c0=$(clock_ms); t0=$(now_ms)
    kill -KILL "$old"
    new=""
    until [ -n "$new" ] && [ "$new" != "$old" ]; do
      new=$(worker_pid "$url")
      [ $(( $(now_ms) - t0 )) -lt 60000 ] || { echo "bench: no replacement within 60 s" >&2; return 1; }
    done
    t1=$(now_ms); up=$t1
    echo $((t1 - t0)) >> "$times"
    # from the master's log: kill -> forked, forked -> ready (listening)
    wait_log "$log" "\(pid $new\) ready" 1 10 || true
    local f r
    f=$(log_ms "$log" "\(pid $new\) forked"); r=$(log_ms "$log" "\(pid $new\) ready")
    [ -z "$f" ] || [ -z "$r" ] || echo "$((f - c0)) $((r - f))" >> "$starts"
    echo "bench:   kill $k: pid $old -> $new in $((t1 - t0)) ms" >&2
  done
  bg_stop "$BG"
  local min med max fmed rmed warnings
  IFS='|' read -r min med max <<< "$(stats < "$times")"
  fmed=$(awk '{ print $1 }' "$starts" | stats | cut -d'|' -f2)
  rmed=$(awk '{ print $2 }' "$starts" | stats | cut -d'|' -f2)
  # what the JVMs said about the archive ([warning] and [error] lines of the cds and aot logs)
  warnings=$(grep -hE '^\[[^]]*\]\[(warning|error)\]\[(cds|aot)' "$log" | sed 's/^\[[^]]*\]//' | sort | uniq -c | sort -rn | head -3 \
    | awk '{ n = $1; $1 = ""; sub(/^ /, ""); printf "%s%s (×%d)", (NR > 1 ? "; " : ""), $0, n }')
  warnings=${warnings:-none}
  ROWS="$ROWS| $label | $KILLS | $min | $med | $max | $fmed | $rmed | $warnings |
"
  TARGETS="$TARGETS| respawn: replacement accepting within 1 s, $label | median $med ms, max $max ms | $([ "$max" -le 1000 ] && echo met || echo '**missed**') |
"
}

for v in ${VARIANTS//,/ }; do
  case "$v" in
    default) variant default "JDK default CDS archive" --aot-cache off ;;
    aot) train aot "$OUT/demo.aot" && variant aot "\`--aot-cache\` (JDK 25 AOT cache)" --aot-cache "$OUT/demo.aot" ;;
    cds) train cds "$OUT/demo.jsa" && variant cds "dynamic CDS archive (-XX:SharedArchiveFile)" -e "JDK_JAVA_OPTIONS=-XX:SharedArchiveFile=$OUT/demo.jsa" ;;
    *) echo "bench: unknown variant $v" >&2; exit 2 ;;
  esac
done

{
  echo "| demo worker started with | kills | kill → replacement answers, min ms | median ms | max ms | kill → forked, median ms (master log) | forked → ready, median ms (master log) | what the workers' JVMs logged about the archive |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$ROWS"
  echo
  echo "One worker (\`bin/clusterflock demo -w 1\`); each kill waits until the worker has been up 10.5 s."
  echo "\"Ready\" is the worker reporting its Jetty server started on the inherited socket. Archives:"
  echo "$(ls -l "$OUT"/demo.aot "$OUT"/demo.jsa 2>/dev/null | awk '{ printf "%s%s %.0f MiB", (NR > 1 ? ", " : ""), $NF, $5/1048576 }' | sed "s|$OUT/||g");"
  echo "each training run is one worker under a short wrk load, stopped gracefully (the JVM writes the archive"
  echo "as it exits): for the AOT cache, \`clusterflock demo --aot-cache FILE\` while FILE is missing (the"
  echo "worker records it and the master installs it), then the same command again maps it; the CDS archive"
  echo "reaches the workers only, with \`-e JDK_JAVA_OPTIONS=-XX:ArchiveClassesAtExit=FILE\`, then \`…SharedArchiveFile\`."
  if grep -q 'Mismatched values for property jdk.module.enable.native.access' "$OUT/cds.log" 2>/dev/null; then
    echo
    echo "The dynamic CDS archive's [error] lines do not mean it went unused: \`-Xlog:cds\` shows its regions"
    echo "mapped all the same; they disable its optimized module handling, because the JDK's base archive was"
    echo "dumped without the workers' \`--enable-native-access=ALL-UNNAMED\`. The AOT cache, recorded with the"
    echo "workers' own options, keeps it."
  fi
} > "$RESULTS/respawn.md"
printf '%s' "$TARGETS" > "$RESULTS/respawn.targets"
cat "$RESULTS/respawn.md"; echo; cat "$RESULTS/respawn.targets"
