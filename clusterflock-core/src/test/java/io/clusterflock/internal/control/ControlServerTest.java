package io.clusterflock.internal.control;

import io.clusterflock.control.ControlClient;
import io.clusterflock.control.ControlCommand;
import io.clusterflock.control.ControlException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.internal.supervisor.Input;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real control socket in a temporary directory, answering for a {@link FakeMaster}. */
@Timeout(30)
class ControlServerTest {
    private static final Duration READ_TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path tmp;
    private ControlPaths paths;
    private final FakeMaster master = new FakeMaster();
    private ControlServer server;

    @BeforeEach
    void start() {
        paths = ControlPaths.of("test", Map.of(), tmp.toString());
        server = ControlServer.bind("test", paths, 4711, READ_TIMEOUT);
        server.serve(master);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void statusIsAnsweredAndTheConnectionClosed() throws IOException {
        String answer = ask("status\n");
        assertTrue(answer.startsWith("cluster 'default': master pid 4711"), answer);
        assertTrue(answer.endsWith("code 3 (exited unexpectedly)\n"), answer);
        assertTrue(ask("status --json\n").startsWith("{\"master\":{\"pid\":4711,"));
    }

    @Test
    void actionsAreQueuedLikeSignalsAndAnswered() throws IOException {
        assertEquals("scaling from 4 to 6 workers\n", ask("scale 6\n"));
        assertTrue(ask("reload\n").startsWith("reloading"));
        assertTrue(ask("restart\n").startsWith("restarting"));
        assertEquals(3, master.submitted.size());
        assertEquals(6, ((Input.Resize) master.submitted.get(0)).workers());
        assertEquals(false, ((Input.Reload) master.submitted.get(1)).rolling());
        assertEquals(true, ((Input.Reload) master.submitted.get(2)).rolling());
    }

    @Test
    void stopAnswersAgainOnceTheMasterHasStopped() throws IOException {
        master.stopped.complete(0);
        assertEquals("stopping: workers drain; those still running in 10s are killed\nstopped, exit code 0\n", ask("stop\n"));
        assertEquals("killing every worker\nstopped, exit code 0\n", ask("kill\n"));
        assertEquals(List.of(new Input.Shutdown(true, "stop command"), new Input.Shutdown(false, "kill command")),
                master.submitted);
    }

    /**
     * The master releases its sockets once stopped, on whichever thread runs the actions pending on
     * the exit: sometimes the very one answering {@code stop}, which waits for it. That answer
     * still ends with "stopped". (A race: it went wrong in about half the rounds.)
     */
    @Test
    void stopIsAnsweredToTheEndWhileTheMasterClosesTheSocket() throws Exception {
        server.close();
        for (int round = 0; round < 20; round++) {
            ControlPaths roundPaths = ControlPaths.of("round" + round, Map.of(), tmp.toString());
            ControlServer closing = ControlServer.bind("round" + round, roundPaths, 4711, READ_TIMEOUT);
            FakeMaster stopping = new FakeMaster();
            stopping.stopped.whenComplete((code, failure) -> closing.close());
            closing.serve(stopping);
            try (ExecutorService client = Executors.newSingleThreadExecutor()) {
                Future<String> answer = client.submit(() -> ask(roundPaths.socket(), "stop\n".getBytes(StandardCharsets.UTF_8), false));
                while (stopping.submitted.isEmpty()) {
                    Thread.onSpinWait(); // the handler has the command: it waits for the exit next
                }
                stopping.stopped.complete(0);
                assertEquals("stopping: workers drain; those still running in 10s are killed\nstopped, exit code 0\n",
                        answer.get(), "round " + round);
            }
        }
    }

    @Test
    void stickyForSaysWhereAnAddressGoesOrWhyItCannot() throws IOException {
        assertEquals("error: the cluster does not run sticky sessions (--sticky): every worker takes from one queue\n",
                ask("sticky-for 127.0.0.7\n"));
        master.stickySlot = address -> java.util.Optional.of("slot 1 (bucket 9 of 256)");
        assertEquals("127.0.0.7 goes to slot 1 (bucket 9 of 256)\n", ask("sticky-for 127.0.0.7\n"));
        assertEquals("error: sticky-for: 'shop.example.com' is not an IP address; use one such as 192.0.2.7 or 2001:db8::7\n",
                ask("sticky-for shop.example.com\n"));
    }

    @Test
    void badInputGetsAnErrorLineAndChangesNothing() throws IOException {
        assertEquals("error: unknown command 'hello'; commands: " + ControlCommand.USAGE + "\n", ask("hello\n"));
        assertEquals("error: scale: '0' is not allowed; use a whole number from 1 to 1024\n", ask("scale 0\n"));
        assertEquals("error: the command line is not UTF-8 text\n", ask(new byte[] {(byte) 0xc3, 0x28, '\n'}, true));
        assertEquals("error: the command line holds control characters\n", ask(new byte[] {0, 1, 2, 3, '\n'}, true));
        assertEquals("error: the command line is longer than 1024 bytes\n", ask(new byte[1 << 20], false));
        assertEquals(List.of(), master.submitted);
    }

    @Test
    void aClientThatGoesQuietMidLineIsToldAndDropped() throws IOException {
        long start = System.nanoTime();
        assertEquals("error: no complete command line within 0.3s\n", ask("stat".getBytes(StandardCharsets.UTF_8), false));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(READ_TIMEOUT) >= 0);
    }

    @Test
    void aClientThatConnectsAndClosesGetsNothing() throws IOException {
        assertEquals("", ask(new byte[0], true));
        assertEquals("error: no complete command line within 0.3s\n", ask(new byte[0], false));
    }

    @Test
    void manyClientsAtOnceAreAllAnsweredOrToldToComeBack() throws Exception {
        List<Callable<String>> clients = new ArrayList<>();
        for (int i = 0; i < ControlServer.MAX_CONNECTIONS + ControlServer.MAX_TURNED_AWAY; i++) {
            clients.add(i % 3 == 0 ? () -> ask("status\n") : i % 3 == 1 ? () -> ask("stat".getBytes(), false) : () -> ask("x\n"));
        }
        // Blocking clients on platform threads: they wait for room in the backlog, as a CLI does.
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
            for (Future<String> answer : pool.invokeAll(clients)) {
                assertTrue(answer.get().startsWith("cluster 'default'") || answer.get().startsWith("error: "), answer.get());
            }
        }
        assertTrue(ask("status\n").startsWith("cluster 'default'"), "still answering");
    }

    @Test
    void theSocketIsPrivateToTheUser() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.socket())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.directory())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.base())));
        assertEquals("4711\n", Files.readString(paths.pidFile()));
    }

    @Test
    void aSecondMasterOfTheSameNameIsRefusedWithTheFirstOnesPid() {
        ControlException e = assertThrows(ControlException.class,
                () -> ControlServer.bind("test", paths, 999, READ_TIMEOUT));
        assertEquals("a cluster named 'test' is already running (master pid 4711); use --name to run another beside it",
                e.getMessage());
        assertTrue(Files.exists(paths.socket()), "the refused master left the first one's socket alone");
    }

    @Test
    void anotherNameBesideItIsFine() {
        try (ControlServer other = ControlServer.bind("other", ControlPaths.of("other", Map.of(), tmp.toString()), 4712,
                READ_TIMEOUT)) {
            assertTrue(Files.exists(tmp.resolve("clusterflock-" + ControlPaths.uid()).resolve("other/control.sock")));
        }
    }

    @Test
    void closingRemovesTheSocketThePidFileAndTheEmptyDirectories() throws IOException {
        server.close();
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void whatADeadMasterLeftBehindIsTakenOver() throws IOException {
        server.close();
        Files.createDirectories(paths.directory());
        Files.setPosixFilePermissions(paths.base(), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(paths.directory(), PosixFilePermissions.fromString("rwx------"));
        Files.writeString(paths.pidFile(), "12345\n");
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(paths.socket())); // closed without removing its file, as by SIGKILL
        }
        server = ControlServer.bind("test", paths, 4711, READ_TIMEOUT);
        server.serve(master);
        assertTrue(ask("status\n").startsWith("cluster 'default'"));
        assertEquals("4711\n", Files.readString(paths.pidFile()));
    }

    @Test
    void aDirectoryOpenToOthersIsRefused() throws IOException {
        server.close();
        Files.createDirectories(paths.base());
        Files.setPosixFilePermissions(paths.base(), PosixFilePermissions.fromString("rwxr-xr-x"));
        ControlException e = assertThrows(ControlException.class, () -> ControlServer.bind("test", paths, 1, READ_TIMEOUT));
        assertEquals("cannot use " + paths.base() + " for control sockets: its mode is rwxr-xr-x, it must be rwx------ (chmod 700 "
                + paths.base() + ")", e.getMessage());
        server = ControlServer.bind("x", ControlPaths.of("x", Map.of(), Files.createDirectory(tmp.resolve("elsewhere")).toString()),
                1, READ_TIMEOUT);
    }

    @Test
    void aLinkInPlaceOfTheDirectoryIsRefused() throws IOException {
        server.close();
        Files.createSymbolicLink(paths.base(), Files.createDirectory(tmp.resolve("target")));
        ControlException e = assertThrows(ControlException.class, () -> ControlServer.bind("test", paths, 1, READ_TIMEOUT));
        assertEquals("cannot use " + paths.base() + " for control sockets: it is a symbolic link", e.getMessage());
        server = ControlServer.bind("x", ControlPaths.of("x", Map.of(), tmp.resolve("target").toString()), 1, READ_TIMEOUT);
    }

    @Test
    void theClientFindsTheMasterOrSaysThereIsNone() {
        List<String> lines = new ArrayList<>();
        ControlClient client = ControlClient.forSocket("test", paths.socket());
        client.send(new ControlCommand.Scale(2), lines::add);
        assertEquals(List.of("scaling from 4 to 2 workers"), lines);
        server.close();
        ControlException e = assertThrows(ControlException.class, () -> client.send(new ControlCommand.Status(false), lines::add));
        assertEquals("no cluster named 'test' is running (no control socket at " + paths.socket() + ")", e.getMessage());
    }

    @Test
    void namesThatWouldLeaveTheDirectoryAreRefused() {
        for (String name : List.of(".", "..", "a/b", "", "x".repeat(65))) {
            assertThrows(ControlException.class, () -> ControlPaths.of(name, Map.of(), tmp.toString()), name);
        }
        assertFalse(Files.exists(tmp.resolve("clusterflock-" + ControlPaths.uid()).resolve("..")
                .resolve("control.sock")));
    }

    @Test
    void xdgRuntimeDirIsUsedWhenWritable() throws IOException {
        Path runtime = Files.createDirectory(tmp.resolve("run"));
        assertEquals(runtime.resolve("clusterflock/web/control.sock"),
                ControlPaths.of("web", Map.of("XDG_RUNTIME_DIR", runtime.toString()), "/tmp").socket());
        assertEquals(Path.of("/tmp/clusterflock-" + ControlPaths.uid() + "/web/control.sock"),
                ControlPaths.of("web", Map.of("XDG_RUNTIME_DIR", tmp.resolve("missing").toString()), "/tmp").socket());
    }

    private String ask(String line) throws IOException {
        return ask(line.getBytes(StandardCharsets.UTF_8), false);
    }

    /** Sends {@code bytes} (then ends the output when {@code end}) and reads until the server closes. */
    private String ask(byte[] bytes, boolean end) throws IOException {
        return ask(paths.socket(), bytes, end);
    }

    private static String ask(Path socket, byte[] bytes, boolean end) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            try {
                channel.write(ByteBuffer.wrap(bytes));
                if (end) {
                    channel.shutdownOutput();
                }
            } catch (IOException e) {
                // the server stopped reading (oversize): its answer is still there to read
            }
            try (InputStream in = Channels.newInputStream(channel)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
