#!/usr/bin/env bash
# Reload pace: clusterflock's demo workers (with the default automatic AOT cache, and with
# `--aot-cache off`) reloaded 10 times, one every 10 s instead of every 2.5 s (bench/peers-reload.sh),
# keep-alive load: how throughput and p99 during reloads depend on how often JVM workers are
# replaced, and whether every generation went live. Writes bench/results/reload-pace.{md,targets};
# about 5 minutes. Options as bench/peers-reload.sh (later ones win).
exec "$(dirname "$0")/peers-reload.sh" --only demo_auto,demo_off,demo_ramp --interval 10 --slow no --name reload-pace --targets pace "$@"
