# The orphan guard (OrphanGuard.java): it leads the workers' process group and stops the workers
# once the master is gone, however the master went (even SIGKILL).
#
# sh runs it from its stdin, with argv[0] set to the title and no other argument, so that ps shows
# "clusterflock guard [title]" and nothing else. It is given:
#   fd 3             the read end of the lifeline, a pipe whose only writer is the master
#   GUARD_SECONDS    how long the workers may drain before they are killed
#   GUARD_DIRECTORY  the master's private directory, removed at the end
# A master that stops normally kills this guard itself (SIGKILL) without waking it.

# The SIGTERM below is for the workers; a terminal's signals are the master's business.
trap '' HUP INT TERM

# The master never writes: read returns only at end-of-file, once the kernel has closed the
# master's end because the master is gone.
while read -r _ <&3; do :; done

kill -TERM 0 2>/dev/null

# n := the processes of this group, this shell included, counted through /proc.
members() {
  n=0
  for f in /proc/[0-9]*/stat; do
    read -r s 2>/dev/null < "$f" || continue
    s=${s##*) }; set -- $s # after "pid (comm) ": state, ppid, pgrp
    [ "$3" = "$$" ] && n=$((n + 1))
  done
}

# Leave as soon as the workers have, or when their drain time is up.
i=0
while [ "$i" -lt "$GUARD_SECONDS" ]; do
  members; [ "$n" -le 1 ] && break
  sleep 1; i=$((i + 1))
done

# Removed before the SIGKILL, which reaches this shell too.
[ -n "$GUARD_DIRECTORY" ] && rm -rf "$GUARD_DIRECTORY"
kill -KILL 0 2>/dev/null
