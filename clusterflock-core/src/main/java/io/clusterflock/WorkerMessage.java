package io.clusterflock;

/** A message from a worker, as the master receives it. */
public interface WorkerMessage {

    /** Who sent it. */
    WorkerInfo worker();

    /** What it says. */
    String text();

    /** Sends {@code text} to the sender only; false when it is no longer connected. */
    boolean reply(String text);

    /** Sends {@code text} to every connected worker; returns how many. */
    int broadcast(String text);
}
