package io.clusterflock.internal.supervisor;

import java.time.Instant;
import java.util.OptionalLong;

/** One spawned, not yet reaped worker process: who it is, where it is in its life, what it reported. */
final class WorkerProcess {
    final int id;
    final long pid;
    final int generation;
    /** When it was spawned (nanos). */
    final long startedAt;
    final Instant forkedAt;
    /** The request count at which it is recycled (max requests plus its own jitter), if any. */
    final OptionalLong requestLimit;
    Lifecycle life;
    /** The last heartbeat (nanos): only workers that heartbeat are watched for hangs. */
    OptionalLong lastHeartbeat = OptionalLong.empty();
    /** Requests served, as its library last reported. */
    OptionalLong requests = OptionalLong.empty();
    /** Since when its memory has been above the limit (nanos); empty while below. */
    OptionalLong overMemorySince = OptionalLong.empty();
    /** When its replacement started because it was half-way to its request limit (nanos). */
    OptionalLong halfwayAt = OptionalLong.empty();
    /** Whether it was ever ready: a worker that dies before is a failed start. */
    boolean wasReady;

    WorkerProcess(int id, long pid, int generation, long startedAt, Instant forkedAt, Lifecycle life,
                  OptionalLong requestLimit) {
        this.id = id;
        this.pid = pid;
        this.generation = generation;
        this.startedAt = startedAt;
        this.forkedAt = forkedAt;
        this.life = life;
        this.requestLimit = requestLimit;
    }
}
