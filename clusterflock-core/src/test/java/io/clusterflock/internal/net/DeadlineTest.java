package io.clusterflock.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DeadlineTest {

    @Test
    void aDeadlineNotMetRunsItsActionAndSaysSo() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        try (Deadline deadline = Deadline.after(Duration.ofMillis(10), ran::countDown)) {
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the action ran");
            assertTrue(deadline.expired());
        }
    }

    @Test
    void aDeadlineMetInTimeNeverRunsItsAction() throws InterruptedException {
        AtomicInteger ran = new AtomicInteger();
        Deadline met = Deadline.after(Duration.ofMillis(100), ran::incrementAndGet);
        met.close();
        // A later deadline firing shows that the earlier one's time has passed.
        CountDownLatch later = new CountDownLatch(1);
        Deadline.after(Duration.ofMillis(300), later::countDown);
        assertTrue(later.await(10, TimeUnit.SECONDS));
        assertFalse(met.expired());
        assertEquals(0, ran.get());
    }

    /** Closing races the timer: whichever wins, expired() says which, and the action ran exactly then. */
    @Test
    void afterCloseExpiredTellsWhetherTheActionRan() throws InterruptedException {
        for (int round = 0; round < 200; round++) {
            CountDownLatch ran = new CountDownLatch(1);
            Deadline deadline = Deadline.after(Duration.ofNanos(round * 5_000L), ran::countDown);
            Thread.onSpinWait();
            deadline.close();
            if (deadline.expired()) {
                assertTrue(ran.await(10, TimeUnit.SECONDS), "round " + round + ": expired, so the action runs");
            } else {
                assertEquals(1, ran.getCount(), "round " + round + ": met, so the action has not begun");
            }
        }
    }
}
