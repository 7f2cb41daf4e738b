package io.clusterflock.internal.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clusterflock.ClusterException;
import io.clusterflock.EndCause;
import io.clusterflock.ExitStatus;
import io.clusterflock.ReadyWhen;
import io.clusterflock.ReloadException;
import io.clusterflock.internal.util.Signals;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reload, restart and resize say when they are done (cluster-master's restart(cb), resize(n, cb)). */
class OperationsTest extends SupervisorFixture {

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> future) {
        return assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS)).getCause();
    }

    private void readyAll() {
        processes.spawns.forEach(s -> supervisor.handle(new Input.WorkerReady(s.pid())));
        supervisor.reconcile();
    }

    @Test
    void aReloadCompletesWithItsGenerationOnceEverySlotServesIt() throws Exception {
        start(2, b -> b.readyWhen(ReadyWhen.READY));
        readyAll();
        CompletableFuture<Integer> reload = new CompletableFuture<>();
        input(new Input.Reload(false, reload));
        assertFalse(reload.isDone());
        input(new Input.WorkerReady(processes.spawns.get(2).pid()));
        assertFalse(reload.isDone(), "one slot of two");
        input(new Input.WorkerReady(processes.spawns.get(3).pid()));
        assertEquals(1, done(reload));
    }

    @Test
    void aSupersededReloadCompletesWhenTheNewerOneGoesLive() throws Exception {
        start(1, b -> b.readyWhen(ReadyWhen.READY));
        readyAll();
        CompletableFuture<Integer> first = new CompletableFuture<>();
        CompletableFuture<Integer> second = new CompletableFuture<>();
        input(new Input.Reload(false, first));
        input(new Input.Reload(true, second));
        input(new Input.WorkerReady(processes.last().pid()));
        for (long pid : processes.signalled(Signals.TERM)) {
            exit(pid, ExitStatus.exited(0)); // a rolling restart moves on once the old workers have gone
        }
        assertEquals(2, done(first));
        assertEquals(2, done(second));
    }

    @Test
    void aReloadThatGivesUpCompletesWithTheTypedCause() {
        start(1, b -> b.readyWhen(ReadyWhen.READY));
        readyAll();
        CompletableFuture<Integer> reload = new CompletableFuture<>();
        input(new Input.Reload(false, reload));
        exit(processes.last().pid(), ExitStatus.exited(3));
        ReloadException e = assertInstanceOf(ReloadException.class, failure(reload));
        assertEquals(1, e.generation());
        assertEquals(0, e.serving());
        assertEquals(new EndCause.Unexpected(), e.exit().orElseThrow().cause());
        assertEquals(ExitStatus.exited(3), e.exit().orElseThrow().status());
    }

    @Test
    void aReloadCutShortByAShutdownFails() {
        start(1, b -> b.readyWhen(ReadyWhen.READY));
        readyAll();
        CompletableFuture<Integer> reload = new CompletableFuture<>();
        input(new Input.Reload(false, reload));
        input(new Input.Shutdown(true, "SIGTERM"));
        assertInstanceOf(ClusterException.class, failure(reload));
    }

    @Test
    void aResizeCompletesOnceTheNewSlotsServeAndTheRetiredWorkersAreGone() throws Exception {
        start(2, b -> b.readyWhen(ReadyWhen.READY));
        readyAll();
        CompletableFuture<Integer> grow = new CompletableFuture<>();
        input(new Input.Resize(3, grow));
        assertFalse(grow.isDone());
        input(new Input.WorkerReady(processes.last().pid()));
        assertEquals(3, done(grow));
        CompletableFuture<Integer> shrink = new CompletableFuture<>();
        input(new Input.Resize(1, shrink));
        assertFalse(shrink.isDone(), "two workers still draining");
        for (long pid : processes.signalled(Signals.TERM)) {
            exit(pid, ExitStatus.exited(0));
        }
        assertEquals(1, done(shrink));
    }

    @Test
    void operationsDuringAShutdownAreDeclined() {
        start(1);
        input(new Input.Shutdown(true, "SIGTERM"));
        CompletableFuture<Integer> reload = new CompletableFuture<>();
        CompletableFuture<Integer> resize = new CompletableFuture<>();
        input(new Input.Reload(false, reload));
        input(new Input.Resize(3, resize));
        assertEquals("declined reload: the cluster is shutting down", failure(reload).getMessage());
        assertEquals("declined resize to 3: the cluster is shutting down", failure(resize).getMessage());
    }
}
