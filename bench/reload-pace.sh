#!/usr/bin/env bash
# Reload pace: clusterflock's demo workers (without and with --aot-cache) reloaded 10 times, one
# every 10 s instead of every 2.5 s (bench/peers-reload.sh), keep-alive load: how throughput during
# reloads depends on how often JVM workers are replaced. Writes bench/results/reload-pace.{md,targets};
# about 5 minutes. Options as bench/peers-reload.sh (later ones win).
exec "$(dirname "$0")/peers-reload.sh" --only demo,demo_aot --interval 10 --slow no --name reload-pace "$@"
