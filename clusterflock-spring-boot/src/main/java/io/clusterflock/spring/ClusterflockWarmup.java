package io.clusterflock.spring;

/**
 * The application's own warming, run in a new worker before it takes its first connection: fill
 * caches, open pool connections, call what requests alone do not reach. Declare it as a bean; every
 * such bean runs, in their order, before the {@code clusterflock.warmup} requests. One that throws
 * fails the start: the worker exits, and a reload to its build gives up while the serving
 * generation serves on.
 */
@FunctionalInterface
public interface ClusterflockWarmup {

    /** Warms what needs it; runs once, before this worker accepts its first connection. */
    void warmUp() throws Exception;
}
