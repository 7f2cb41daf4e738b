package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clusterflock.internal.os.NativeException;
import io.clusterflock.internal.os.NotifySocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class NotifyReceiverTest {
    @TempDir
    Path tmp;

    @Test
    void closingEndsTheReceivingThreadAndTheSocket() {
        NotifyReceiver receiver = NotifyReceiver.start(tmp, List::of, input -> { });
        NotifySocket.send(receiver.path(), "STATUS=from no worker"); // ignored: this process is none
        receiver.close();
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("clusterflock-notify")),
                "the receiving thread has ended");
        assertThrows(NativeException.class, () -> NotifySocket.send(receiver.path(), "READY=1"));
    }
}
