package io.clusterflock;

/** Answers messages that workers send the master (cluster-master's {@code onMessage}). */
@FunctionalInterface
public interface MessageHandler {
    void onMessage(WorkerMessage message);
}
