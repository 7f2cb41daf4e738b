package io.clusterflock.internal.supervisor;

import io.clusterflock.ExitStatus;
import java.util.OptionalLong;

/**
 * What the supervisor does to the operating system. The real port spawns and signals processes and
 * reports each exit back as an {@link Input.Exited}; unit tests use a fake.
 */
public interface ProcessPort {

    /**
     * Spawns the worker for slot {@code id} of {@code generation} in a cluster of {@code workers};
     * it is told {@code requestLimit}, the count at which it is recycled, so it can report crossing it at once.
     *
     * @return its pid
     * @throws SpawnException when the process could not be started at all
     */
    long spawn(int id, int generation, int workers, OptionalLong requestLimit);

    /** Sends {@code signal} to {@code pid}; false when it is already gone. */
    boolean signal(long pid, int signal);

    /**
     * The supervisor has taken in the exit of {@code pid}, before it spawns anything in its place:
     * what the port keeps per worker may be settled now (an AOT cache the worker wrote is installed,
     * so the worker forked next finds it).
     */
    default void reaped(long pid, ExitStatus status) {
    }

    /**
     * The slots that have a ready (serving) worker changed to {@code slots}: with sticky sessions,
     * new connections are steered to them.
     */
    default void serving(java.util.Set<Integer> slots) {
    }

    /**
     * Whether worker {@code pid} carries a library that reports its own readiness (its jars say
     * so): staying up does not make it ready then, only its word.
     */
    default boolean reportsReadiness(long pid) {
        return false;
    }

    /**
     * A graceful shutdown closes the door: the listening sockets start no new handshake, while
     * the connections the kernel already holds stay for the workers. False when there is no door
     * to close (a socket systemd passed outlives the master, its queue waits for the next one).
     */
    default boolean closeDoor() {
        return false;
    }

    /** Connections the kernel holds for the workers: queued, or half-way through their handshake. */
    default int waiting() {
        return 0;
    }

    /** A worker could not be spawned; the message is for the operator. */
    final class SpawnException extends RuntimeException {
        public SpawnException(String message) {
            super(message);
        }
    }
}
