package io.clusterflock.internal.master;

import io.clusterflock.ClusterEvent;
import io.clusterflock.MessageHandler;
import io.clusterflock.WorkerInfo;
import io.clusterflock.WorkerMessage;
import io.clusterflock.internal.ipc.Frames;
import io.clusterflock.internal.ipc.IpcServer;
import java.util.function.Consumer;

/** Hands workers' messages to the user's handler, with a way to answer. */
final class Messages implements Consumer<ClusterEvent> {
    private final MessageHandler handler;
    private final IpcServer ipc;

    Messages(MessageHandler handler, IpcServer ipc) {
        this.handler = handler;
        this.ipc = ipc;
    }

    @Override
    public void accept(ClusterEvent event) {
        if (event instanceof ClusterEvent.Message message) {
            handler.onMessage(new Received(message.worker(), message.text()));
        }
    }

    /** Refuses a message the worker end could not take, before anything is queued. */
    static void checkSize(String text) {
        int size = Frames.size(text);
        if (size > Frames.MAX_MESSAGE) {
            throw new IllegalArgumentException("a message of " + size + " bytes is over the limit of "
                    + Frames.MAX_MESSAGE + " bytes");
        }
    }

    private final class Received implements WorkerMessage {
        private final WorkerInfo worker;
        private final String text;

        Received(WorkerInfo worker, String text) {
            this.worker = worker;
            this.text = text;
        }

        @Override
        public WorkerInfo worker() {
            return worker;
        }

        @Override
        public String text() {
            return text;
        }

        @Override
        public boolean reply(String reply) {
            checkSize(reply);
            return ipc.send(worker.pid(), reply);
        }

        @Override
        public int broadcast(String message) {
            checkSize(message);
            return ipc.broadcast(message);
        }
    }
}
