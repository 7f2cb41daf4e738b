package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clusterflock.internal.os.NativeException;
import io.clusterflock.internal.os.NotifySocket;
import java.nio.file.Path;
import io.clusterflock.internal.supervisor.Input;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class NotifyReceiverTest {
    @TempDir
    Path tmp;

    @Test
    void aDatagramIsPassedOnWithItsSendersAncestry() throws InterruptedException {
        BlockingQueue<Input> inputs = new LinkedBlockingQueue<>();
        try (NotifyReceiver receiver = NotifyReceiver.start(tmp, inputs::add)) {
            NotifySocket.send(receiver.path(), "READY=1\nSTATUS=warm");
            Input.Notified notified = (Input.Notified) inputs.poll(10, TimeUnit.SECONDS);
            assertEquals(List.of("READY=1", "STATUS=warm"), notified.lines());
            ProcessHandle self = ProcessHandle.current();
            assertEquals(self.pid(), notified.senders().getFirst());
            assertEquals(self.parent().orElseThrow().pid(), notified.senders().get(1), "then its parent");
        }
    }

    @Test
    void closingEndsTheReceivingThreadAndTheSocket() {
        NotifyReceiver receiver = NotifyReceiver.start(tmp, input -> { });
        NotifySocket.send(receiver.path(), "STATUS=from no worker");
        receiver.close();
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("clusterflock-notify")),
                "the receiving thread has ended");
        assertThrows(NativeException.class, () -> NotifySocket.send(receiver.path(), "READY=1"));
    }
}
