#!/usr/bin/env bash
# TLS and HTTP/2 throughput, all contenders serving one self-signed certificate the script makes
# (openssl; EC P-256 by default, --key rsa for RSA 2048), each warmed up before it is measured:
#  1. HTTP/1.1 over TLS (wrk -t2 -c50 over https): clusterflock library mode (examples/hello with
#     -Dclusterflock.tlsCert/-Dclusterflock.tlsKey), one JVM with all cores serving the same handler
#     on the same Jetty with the same TLS and HTTP/2 connection factories (bench/baseline), Node's
#     cluster module with https (bench/peers/app-tls.js), nginx `return 200` with ssl as the
#     ceiling; kept-alive connections, and a handshake per request (Connection: close) for
#     clusterflock and the one JVM.
#  2. HTTP/2 (h2load, several streams per connection): h2 over TLS (ALPN) and h2c in clear text,
#     clusterflock library mode, the one JVM, Node's http2 module in its cluster, nginx (h2 only).
#  3. h2load through one reload (SIGUSR2) of clusterflock library mode, h2 and h2c. h2load 1.52
#     (Debian's) does not reconnect an HTTP/2 connection: once a server's GOAWAY has closed a
#     connection, that client stops, and the requests it does not send count as failed. This part
#     reports that as it is (streams completed before and after the reload, failed, when the last
#     stream completed); the proof of zero failed streams through HTTP/2 reloads is the integration
#     test Http2IT (JDK HttpClient, which opens a new connection after a GOAWAY).
# Writes bench/results/tls.{md,tsv} and every tool's output under bench/results/tls/; ports
# 5400-5499 on 127.0.0.1; about 6 minutes with the defaults.
#
#   bench/tls.sh [--duration S] [--warm S] [--workers N] [--key ec|rsa] [--clients C] [--streams M]
#                [--reload-duration S] [--reload-at S] [--only KEYS]
source "$(dirname "$0")/lib.sh"
DURATION=10 WARM=8 WORKERS=$NCPU KEYTYPE=ec CLIENTS=8 STREAMS=10 RELOAD_DURATION=20 RELOAD_AT=5 ONLY=""
usage="usage: bench/tls.sh [--duration S] [--warm S] [--workers N] [--key ec|rsa] [--clients C] [--streams M] [--reload-duration S] [--reload-at S] [--only KEYS]"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --warm) WARM=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --key) KEYTYPE=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --streams) STREAMS=$2; shift 2 ;;
    --reload-duration) RELOAD_DURATION=$2; shift 2 ;;
    --reload-at) RELOAD_AT=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;; # comma-separated keys, e.g. single-tls,library-h2 (a partial run, for testing)
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
case "$KEYTYPE" in ec|rsa) ;; *) echo "$usage" >&2; exit 2 ;; esac
need wrk; need curl; need openssl; need h2load nghttp2-client; need_nginx
command -v node >/dev/null 2>&1 || need node nodejs
build
use_cleanup

OUT="$RESULTS/tls"
rm -rf "$OUT"; mkdir -p "$OUT"
TSV="$RESULTS/tls.tsv"
printf 'key\tlabel\tworkers\ttool\tprotocol\tmode\trps\tp50_ms\tp99_ms\tmean_ms\tmax_ms\tsucceeded\tfailed\terrored\ttls\n' > "$TSV"
PORT=5400
N=$WORKERS
HELLO="$ROOT/examples/hello/target/hello.jar"
WRK_ARGS=(-t2 -c50)
H2_ARGS=(-t"$((CLIENTS < 2 ? 1 : 2))" -c"$CLIENTS" -m"$STREAMS") # (h2load wants no more threads than clients)
echo "bench: results go to $RESULTS/tls.md, $TSV and $OUT/" >&2

# ---- the certificate: self-signed, for 127.0.0.1 and localhost, used by every contender ----
CERT="$OUT/cert.pem" KEY="$OUT/key.pem"
case "$KEYTYPE" in
  ec) KEYGEN=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); KEYDESC="EC P-256 (ECDSA)" ;;
  rsa) KEYGEN=(-newkey rsa:2048); KEYDESC="RSA 2048" ;;
esac
openssl req -x509 "${KEYGEN[@]}" -nodes -keyout "$KEY" -out "$CERT" -days 2 -subj "/CN=bench.example" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2> "$OUT/openssl-req.log"

# ---- starting the contenders: each sets BG (the pid that takes the signals) and waits until it answers ----
# start KIND SECURITY PORT LOG: KIND library, single, node or nginx; SECURITY tls or clear (HTTP/2 on
# in every contender: h2 by ALPN over TLS, h2c in clear text; HTTP/1.1 still for wrk).
start() {
  local kind=$1 security=$2 port=$3 log=$4 scheme=https
  [ "$security" = tls ] || scheme=http
  case "$kind" in
    library)
      local props=()
      [ "$security" = clear ] || props=(-Dclusterflock.tlsCert="$CERT" -Dclusterflock.tlsKey="$KEY")
      bg_start "$log" "$JAVA" "${props[@]}" -Dclusterflock.workers="$N" -Dclusterflock.port="$port" \
        -Dclusterflock.host=127.0.0.1 -jar "$HELLO"
      wait_log "$log" ' ready$' "$N" 120 ;;
    single)
      local opts=(http2)
      [ "$security" = clear ] || opts+=("tls-cert=$CERT" "tls-key=$KEY")
      start_single "$port" "$log" "${opts[@]}" ;;
    node)
      local protocol=h2c
      [ "$security" = clear ] || protocol=${NODE_PROTOCOL:-h2}
      bg_start "$log" env APP=app-tls.js PROTOCOL="$protocol" TLS_CERT="$CERT" TLS_KEY="$KEY" PORT="$port" \
        WORKERS="$N" node "$PEERS/node-cluster.js" ;;
    nginx)
      local dir="$OUT/nginx-$port" user=""
      [ "$(id -u)" != 0 ] || user="user $(id -un) $(id -gn);"
      mkdir -p "$dir/tmp"; cp "$CERT" "$dir/cert.pem"; cp "$KEY" "$dir/key.pem"
      sed -e "s/@WORKERS@/$N/" -e "s/@PORT@/$port/" -e "s/@USER@/$user/" "$PEERS/nginx-tls.conf.in" > "$dir/nginx.conf"
      bg_start "$log" "$(command -v nginx || echo /usr/sbin/nginx)" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;' ;;
  esac
  if [ "$kind" = node ] && [ "$security" = clear ]; then
    wait_url "http://127.0.0.1:$port/" 60 --http2-prior-knowledge # Node's h2c server speaks nothing else
  else
    wait_url "$scheme://127.0.0.1:$port/" 60
  fi
  [ "$kind" != node ] || sleep 0.5
}

# resumes PORT FILE: "resumed" when the server resumes a TLS session s_client offers (saved from a first connection).
resumes() {
  sleep 0.5 | timeout 10 openssl s_client -connect "127.0.0.1:$1" -servername localhost -sess_out "$2.sess" > "$2" 2>&1 || true
  timeout 10 openssl s_client -connect "127.0.0.1:$1" -servername localhost -sess_in "$2.sess" < /dev/null >> "$2" 2>&1 || true
  rm -f "$2.sess"
  if grep -q '^Reused,' "$2"; then echo resumed; else echo "not resumed"; fi
}
resumed_summary() {
  local f any=""
  for f in "$OUT"/*-resume.txt; do
    [ -e "$f" ] || continue
    printf '%s%s %s' "${any:+, }" "$(basename "$f" -resume.txt)" "$(if grep -q '^Reused,' "$f"; then echo resumed; else echo 'not resumed'; fi)"
    any=1
  done
  [ -n "$any" ] || printf 'not checked'
}

# tls_of PORT FILE: what openssl s_client negotiates (offering h2 and http/1.1), e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384".
tls_of() {
  timeout 10 openssl s_client -connect "127.0.0.1:$1" -servername localhost -alpn h2,http/1.1 < /dev/null > "$2" 2>&1 || true
  awk '/^New, / { sub(/^New, /, ""); sub(/, Cipher is /, " "); print; f=1; exit } END { if (!f) print "?" }' "$2"
}

# ---- h2load output ----
h2_rps() { awk '/^finished in/ { printf "%.0f\n", $4; f=1 } END { if (!f) print 0 }' "$1"; }
# h2_count FILE WORD: a number of the "requests:" line (total, started, done, succeeded, failed, errored, timeout)
h2_count() { awk -v w="$2" '/^requests:/ { for (i = 3; i <= NF; i++) if ($i ~ ("^" w ",?$")) { print $(i - 1); f=1 } } END { if (!f) print 0 }' "$1"; }
# h2_time FILE min|max|mean: of "time for request", in ms
h2_time() {
  awk -v c="$2" '$1 == "time" && $3 == "request:" {
      v = (c == "min" ? $4 : c == "max" ? $5 : $6)
      if (v ~ /us$/) { sub("us", "", v); v = v / 1000 } else if (v ~ /ms$/) { sub("ms", "", v) } else if (v ~ /s$/) { sub("s", "", v); v = v * 1000 }
      printf "%.2f\n", v; f=1 } END { if (!f) print "n/a" }' "$1"
}
h2_proto() { awk '/^Application protocol:/ { print $3; f=1 } END { if (!f) print "none" }' "$1"; }
# h2_run OUTFILE SECONDS URL [h2load args...]: h2load for SECONDS (bounded), its output kept.
h2_run() {
  local out=$1 secs=$2 url=$3; shift 3
  timeout -k 5 $((secs + 30)) h2load "${H2_ARGS[@]}" -D "$secs" "$@" "$url" > "$out" 2>&1 || true
}

selected() { [ -z "$ONLY" ] || case ",$ONLY," in *",$1,"*) ;; *) return 1 ;; esac; }
row() { # KEY LABEL WORKERS TOOL PROTOCOL MODE RPS P50 P99 MEAN MAX SUCCEEDED FAILED ERRORED TLS
  local IFS=$'\t'; echo "$*" >> "$TSV"
}

# ---- 1. HTTP/1.1 over TLS, wrk ----
# wrk_contender KEY KIND LABEL WORKERS CLOSE: keep-alive, and with CLOSE=close a handshake per request too.
wrk_contender() {
  local key=$1 kind=$2 label=$3 workers=$4 close=${5:-}
  PORT=$((PORT + 1))
  selected "$key" || return 0
  echo "bench: $label over TLS, wrk" >&2
  local url="https://127.0.0.1:$PORT/" tls
  start "$kind" tls "$PORT" "$OUT/$key.log"
  tls=$(tls_of "$PORT" "$OUT/$key-s_client.txt")
  resumes "$PORT" "$OUT/$key-resume.txt" > /dev/null
  wrk_run "$OUT/$key-warm.txt" "${WRK_ARGS[@]}" -d"${WARM}s" "$url"
  wrk_run "$OUT/$key-ka.txt" "${WRK_ARGS[@]}" -d"${DURATION}s" "$url"
  if [ "$close" = close ]; then
    # handshakes run code a kept-alive connection never does: it gets a warm-up of its own
    wrk_run "$OUT/$key-warm-close.txt" "${WRK_ARGS[@]}" -d"${WARM}s" -H "Connection: close" "$url"
    wrk_run "$OUT/$key-close.txt" "${WRK_ARGS[@]}" -d"${DURATION}s" -H "Connection: close" "$url"
  fi
  bg_stop "$BG"
  local mode
  for mode in ka close; do
    [ -s "$OUT/$key-$mode.txt" ] || continue
    row "$key" "$label" "$workers" wrk "http/1.1 over TLS" "$mode" "$(rps_int "$OUT/$key-$mode.txt")" \
      "$(wrk_p50 "$OUT/$key-$mode.txt")" "$(wrk_p99 "$OUT/$key-$mode.txt")" - - "$(wrk_requests "$OUT/$key-$mode.txt")" \
      "$(wrk_failed "$OUT/$key-$mode.txt")" - "$tls"
  done
}

# ---- 2. HTTP/2, h2load ----
# h2_contender KEY KIND SECURITY LABEL WORKERS
h2_contender() {
  local key=$1 kind=$2 security=$3 label=$4 workers=$5 url tls=-
  PORT=$((PORT + 1))
  selected "$key" || return 0
  url="https://127.0.0.1:$PORT/"; [ "$security" = tls ] || url="http://127.0.0.1:$PORT/"
  echo "bench: $label, h2load $url" >&2
  start "$kind" "$security" "$PORT" "$OUT/$key.log"
  [ "$security" = clear ] || tls=$(tls_of "$PORT" "$OUT/$key-s_client.txt")
  h2_run "$OUT/$key-warm.txt" "$WARM" "$url"
  h2_run "$OUT/$key.txt" "$DURATION" "$url"
  bg_stop "$BG"
  local f="$OUT/$key.txt"
  row "$key" "$label" "$workers" h2load "$(h2_proto "$f")" "$security" "$(h2_rps "$f")" - - "$(h2_time "$f" mean)" \
    "$(h2_time "$f" max)" "$(h2_count "$f" succeeded)" "$(h2_count "$f" failed)" "$(h2_count "$f" errored)" "$tls"
}

# ---- 3. h2load through a reload ----
# reload_contender KEY SECURITY LABEL: clusterflock library mode, warmed up, then h2load for
# RELOAD_DURATION s with one SIGUSR2 at RELOAD_AT s; every completed stream logged by h2load.
reload_contender() {
  local key=$1 security=$2 label=$3 url master
  PORT=$((PORT + 1))
  selected "$key" || return 0
  url="https://127.0.0.1:$PORT/"; [ "$security" = tls ] || url="http://127.0.0.1:$PORT/"
  echo "bench: $label, h2load through a reload" >&2
  start library "$security" "$PORT" "$OUT/$key.log"
  master=$BG
  h2_run "$OUT/$key-warm.txt" "$WARM" "$url"
  local t0 usr2 t1
  t0=$(now_ms)
  ( sleep "$RELOAD_AT"; now_ms > "$OUT/$key.usr2"; kill -USR2 "$master" ) &
  local reloader=$!
  h2_run "$OUT/$key.txt" "$RELOAD_DURATION" "$url" --log-file="$OUT/$key.requests"
  t1=$(now_ms)
  wait "$reloader" 2>/dev/null || true
  # the new generation, ready, before the stop (bounded)
  wait_log "$OUT/$key.log" ' ready$' $((2 * N)) 60 || true
  bg_stop "$master"
  usr2=$(cat "$OUT/$key.usr2" 2>/dev/null || echo 0)
  # the log: start (µs since the epoch), status, µs to the end of the response; a stream per line
  local stats
  # (a request h2load never sent is logged with start time 0)
  stats=$(awk -F'\t' -v u="$usr2" '
      $1 == 0 { unsent++; next }
      { end = ($1 + $3) / 1000; if ($2 >= 200 && $2 < 300) { if (end < u) before++; else after++ } else bad++
        if (end > last) last = end }
      END { printf "%d %d %d %d %.1f\n", before, after, bad, unsent, (last && u) ? (last - u) / 1000 : -1 }' "$OUT/$key.requests" 2>/dev/null || echo "0 0 0 0 -1")
  local before after bad unsent last
  read -r before after bad unsent last <<< "$stats"
  # a line per stream is too large to keep; the counts go to reload.tsv, and the requests that did not
  # end in a 2xx answer to $key.non2xx (ms after USR2 of their start and end, or "never sent"; status as h2load logged it)
  awk -F'\t' -v u="$usr2" '!($2 >= 200 && $2 < 300) {
      if ($1 == 0) printf "never sent\t\t%s\n", $2; else printf "%.1f\t%.1f\t%s\n", $1 / 1000 - u, ($1 + $3) / 1000 - u, $2 }' \
    "$OUT/$key.requests" > "$OUT/$key.non2xx" 2>/dev/null || true
  rm -f "$OUT/$key.requests"
  # the old workers' drains during the run, from the master's log (local HH:MM:SS.mmm): "s after USR2: open connections"
  local midnight drains
  midnight=$(date -d "$(date -d "@$((usr2 / 1000))" +%F)" +%s)
  drains=$(awk -v u=$((usr2 - midnight * 1000)) -v e=$((t1 - midnight * 1000)) '/ draining, [0-9]+ connections open/ {
      split($1, t, /[:.]/); ms = ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4]
      for (i = 1; i <= NF; i++) if ($i == "draining,") k = $(i + 1)
      if (ms >= u && ms <= e) printf "%s%.1f: %d", (n++ ? ", " : ""), (ms - u) / 1000, k }
      END { if (!n) printf "none during the run" }' "$OUT/$key.log")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$label" "$(h2_proto "$OUT/$key.txt")" \
    "$(awk -v a="$usr2" -v b="$t0" 'BEGIN { printf "%.1f", (a - b) / 1000 }')" "$drains" "$before" "$after" "$bad" "$unsent" "$last" \
    "$(grep -c '^Process Request Failure' "$OUT/$key.txt" || true)" "$(h2_count "$OUT/$key.txt" failed)" "$(h2_count "$OUT/$key.txt" errored)" \
    "$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.1f", (a - b) / 1000 }')" >> "$OUT/reload.tsv"
}

printf 'key\tlabel\tprotocol\tusr2_s\tdrains\tcompleted_before\tcompleted_after\tnon2xx_sent\tnever_sent\tlast_after_usr2_s\tclients_stopped\tfailed\terrored\th2load_s\n' > "$OUT/reload.tsv"

wrk_contender single-tls single "one JVM, same handler on Jetty, all cores" 1 close
wrk_contender library-tls library "clusterflock library mode (hello.jar)" "$N" close
NODE_PROTOCOL=https wrk_contender node-tls node "Node cluster module (https)" "$N"
wrk_contender nginx-tls nginx "nginx \`return 200\` with ssl (ceiling)" "$N"

h2_contender single-h2 single tls "one JVM, same handler on Jetty, all cores" 1
h2_contender library-h2 library tls "clusterflock library mode (hello.jar)" "$N"
h2_contender node-h2 node tls "Node cluster module (http2)" "$N"
h2_contender nginx-h2 nginx tls "nginx \`return 200\` (ceiling)" "$N"
h2_contender single-h2c single clear "one JVM, same handler on Jetty, all cores" 1
h2_contender library-h2c library clear "clusterflock library mode (hello.jar)" "$N"
h2_contender node-h2c node clear "Node cluster module (http2)" "$N"

reload_contender reload-h2 tls "clusterflock library mode, h2 over TLS"
reload_contender reload-h2c clear "clusterflock library mode, h2c"

# ---- the tables ----
# field KEY MODE COLUMN
field() { awk -F'\t' -v k="$1" -v m="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } $1 == k && $6 == m { print $col[c] }' "$TSV"; }
TLS_SEEN=$(awk -F'\t' 'NR > 1 && $15 != "-" && !seen[$1]++ { print $15 }' "$TSV" | sort | uniq -c | awk '{ c = $1; $1 = ""; printf "%s%s (%d)", (n++ ? ", " : ""), substr($0, 2), c }')
{
  echo "Every contender serves the same self-signed certificate, $KEYDESC, made by the script with openssl;"
  echo "TLS as \`openssl s_client\` negotiated it (how many contenders): ${TLS_SEEN:-?}. HTTP/2 is on in"
  echo "clusterflock, the one JVM and nginx throughout (h2 by ALPN, http/1.1 for a client that offers no h2,"
  echo "as wrk does; h2c in clear text); Node runs its https module for wrk, its http2 module for h2load."
  echo "$N workers for clusterflock, Node and nginx; the one JVM has all $NCPU cores. Each contender is"
  echo "started, warmed up (${WARM} s of the same load), then measured for ${DURATION} s."
  echo
  echo "### HTTP/1.1 over TLS (wrk ${WRK_ARGS[*]})"
  echo
  single=$(field single-tls ka rps); nginx=$(field nginx-tls ka rps)
  echo "| contender | workers | connections | req/s | p50 ms | p99 ms | failed | × one JVM | × nginx |"
  echo "|---|---|---|---|---|---|---|---|---|"
  awk -F'\t' -v s="${single:-0}" -v g="${nginx:-0}" 'NR > 1 && $4 == "wrk" {
      r = (s > 0 ? sprintf("%.2f", $7 / s) : "n/a"); x = (g > 0 ? sprintf("%.2f", $7 / g) : "n/a")
      if ($6 == "ka") printf "| %s | %s | kept alive | %s | %s | %s | %s | %s | %s |\n", $2, $3, $7, $8, $9, $13, r, x }' "$TSV"
  echo
  echo "A TLS handshake per request (\`-H 'Connection: close'\`: a new connection and handshake each). wrk keeps"
  echo "a connection's TLS session when it reconnects (SSL_shutdown, then SSL_clear) and offers it again, so"
  echo "where a server accepts it some of these handshakes are resumptions (TLS 1.3 PSK with a fresh key"
  echo "exchange, no certificate signature) rather than full handshakes. Whether each contender resumed a"
  echo "session \`openssl s_client -sess_in\` offered, with its defaults: $(resumed_summary)."
  echo
  single=$(field single-tls close rps)
  echo "| contender | workers | req/s | p50 ms | p99 ms | failed | × one JVM |"
  echo "|---|---|---|---|---|---|---|"
  awk -F'\t' -v s="${single:-0}" 'NR > 1 && $4 == "wrk" && $6 == "close" {
      printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $7, $8, $9, $13, (s > 0 ? sprintf("%.2f", $7 / s) : "n/a") }' "$TSV"
  echo
  echo "### HTTP/2 (h2load ${H2_ARGS[*]}: $CLIENTS connections, $STREAMS streams at a time on each)"
  echo
  echo "h2load reports no percentiles: mean and max time for a request, from its output."
  echo
  echo "| contender | workers | protocol | req/s | mean ms | max ms | succeeded | failed | errored | × one JVM |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for sec in tls clear; do
    single=$(field "single-$([ $sec = tls ] && echo h2 || echo h2c)" "$sec" rps)
    awk -F'\t' -v s="${single:-0}" -v m="$sec" 'NR > 1 && $4 == "h2load" && $6 == m {
        p = ($5 == "h2" ? "h2 over TLS" : $5 == "h2c" ? "h2c" : $5 " (not HTTP/2!)")
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, p, $7, $10, $11, $12, $13, $14, (s > 0 ? sprintf("%.2f", $7 / s) : "n/a") }' "$TSV"
  done
  echo
  echo "### h2load through a reload"
  echo
  echo "clusterflock library mode, $N workers, h2load ${H2_ARGS[*]} for ${RELOAD_DURATION} s after a ${WARM} s warm-up,"
  echo "one SIGUSR2 to the master ${RELOAD_AT} s in. **h2load cannot measure a reload's failed streams.** h2load"
  echo "1.52 never opens a new HTTP/2 connection: once an old worker's drain has sent its GOAWAY and closed"
  echo "the connection, that client stops for the rest of the run (h2load prints \"Process Request Failure\""
  echo "for it and counts what it then declines to send among its failed requests, in its own way). So the"
  echo "load ends with the drains, and the columns below say what happened rather than pass or fail: the old"
  echo "workers' drains (s after USR2: connections open when each began, from the master's log), streams"
  echo "completed before and after the signal and when the last one completed (from h2load's per-request"
  echo "log), how many of the $CLIENTS clients stopped, and h2load's own counts. A stream the server refused or"
  echo "reset would show as a sent request without a 2xx answer; requests h2load logged without ever sending"
  echo "them (start time 0) are counted apart. The zero-failure proof for HTTP/2 reloads is the"
  echo "integration test Http2IT (the JDK's HttpClient, which opens a new connection after a GOAWAY: 4 clients"
  echo "× 8 streams through two reloads, over TLS and h2c, 0 failed)."
  echo
  echo "| run | protocol | USR2 at (s) | drains (s after USR2: connections) | 2xx before USR2 | 2xx after | sent, no 2xx | logged, never sent | last completed (s after USR2) | clients stopped | h2load failed | errored | h2load ran (s) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s of '"$CLIENTS"' | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 }' "$OUT/reload.tsv"
} > "$RESULTS/tls.md"
cat "$RESULTS/tls.md"
echo "bench: written $RESULTS/tls.md, $TSV; raw output in $OUT/" >&2
