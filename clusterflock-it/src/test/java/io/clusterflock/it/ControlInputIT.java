package io.clusterflock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing a client sends over the control socket harms the master: garbage, a megabyte without a
 * newline, half a line and then silence, a connection closed at once, hundreds at the same time.
 * And only the master's user can connect.
 */
@Timeout(60)
class ControlInputIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void badInputGetsAnErrorLineAndTheMasterServesOn() throws Exception {
        try (MasterProcess master = MasterProcess.run(List.of("sh", "-c", "exec sleep 120"), "-w", "2", "-p", "0")) {
            List<Long> workers = master.startedPids();
            Path socket = ControlWire.socket(master.runtimeDirectory(), "default");
            Await.until(WAIT, "two ready workers", () -> ControlStatus.ask(socket).settled(2));

            // Half a line, then silence: answered at the master's 5 s deadline, meanwhile the rest goes on.
            long quietSince = System.nanoTime();
            CompletableFuture<String> quiet = CompletableFuture.supplyAsync(
                    () -> ControlWire.exchange(socket, "sta".getBytes(StandardCharsets.UTF_8), false),
                    runnable -> Thread.ofVirtual().start(runnable));

            assertEquals("error: unknown command 'hello'; commands: status [--json], sticky-for ADDRESS, scale N, reload, restart, stop, kill\n",
                    ControlWire.exchange(socket, "hello\n"));
            assertEquals("error: the command line is not UTF-8 text\n",
                    ControlWire.exchange(socket, new byte[] {(byte) 0xff, (byte) 0xfe, 's', '\n'}, true));
            assertEquals("error: the command line holds control characters\n",
                    ControlWire.exchange(socket, new byte[] {0, 0, 0, 1, 2, 3, '\n'}, true));
            assertEquals("error: the command line is longer than 1024 bytes\n",
                    ControlWire.exchange(socket, new byte[1 << 20], false));
            assertEquals("error: scale: '99999999999999999999' is not allowed; use a whole number from 1 to 1024\n",
                    ControlWire.exchange(socket, "scale 99999999999999999999\n"));
            assertEquals("", ControlWire.exchange(socket, new byte[0], true), "connected and closed: nothing to say");
            assertEquals("error: unknown command 'reload;'; commands: status [--json], sticky-for ADDRESS, scale N, reload, restart, stop, kill\n",
                    ControlWire.exchange(socket, "reload; rm -rf /\n"));

            List<Future<String>> answers = new ArrayList<>();
            try (ExecutorService clients = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
                for (int i = 0; i < 200; i++) {
                    byte[] request = (i % 2 == 0 ? "status\n" : "nonsense " + i + "\n").getBytes(StandardCharsets.UTF_8);
                    boolean end = i % 4 == 1;
                    answers.add(clients.submit(() -> ControlWire.exchange(socket, request, end)));
                }
            }
            for (Future<String> answer : answers) {
                String text = answer.get();
                assertTrue(text.startsWith("cluster 'default'") || text.startsWith("error: "), text);
            }

            assertEquals("error: no complete command line within 5s\n", quiet.get(15, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - quietSince >= Duration.ofSeconds(5).toNanos());

            ControlStatus after = ControlStatus.ask(socket);
            assertEquals(workers, after.pids(), "the same workers, untouched");
            assertTrue(after.settled(2));
            assertTrue(Procs.alive(master.pid()));
            assertEquals(List.of(), master.events().stream().filter(e -> switch (e.kind()) {
                case DECLINED, RESIZED, RELOAD_STARTED, SHUTDOWN -> true;
                default -> false;
            }).toList(), "no request reached the supervisor" + master.output());
            assertFalse(master.output().contains("Exception"), master.output());
            assertEquals(0, ControlCli.run(master.runtimeDirectory(), "status").exitCode());
        }
    }

    @Test
    void socketAndDirectoriesArePrivate() throws IOException {
        try (MasterProcess master = MasterProcess.run(List.of("sh", "-c", "exec sleep 120"), "-w", "1", "-p", "0")) {
            Path socket = ControlWire.socket(master.runtimeDirectory(), "default");
            master.startedPids();
            Await.until(WAIT, "the control socket", () -> Files.exists(socket));
            assertEquals("rw-------", permissions(socket));
            assertEquals("rwx------", permissions(socket.getParent()));
            assertEquals("rwx------", permissions(socket.getParent().getParent()));
            assertEquals(master.pid() + "\n", Files.readString(socket.resolveSibling("master.pid")));
        }
    }

    /**
     * Another user cannot connect: run as nobody, a client reaches the runtime directory (opened
     * to others for the test) but not the master's 0700 directory inside it.
     */
    @Test
    void anotherUserCannotConnect(@TempDir Path shared) throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(setpriv),
                "needs root and setpriv to act as another user");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path client = Files.writeString(shared.resolve("Connect.java"), """
                public class Connect {
                    public static void main(String[] args) throws Exception {
                        try (var channel = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(args[0]))) {
                            System.out.println("connected");
                        } catch (java.io.IOException e) {
                            System.out.println("refused: " + e.getMessage());
                        }
                    }
                }
                """);
        Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rw-r--r--"));
        try (MasterProcess master = MasterProcess.startIn(shared, List.of("run", "-w", "1", "-p", "0", "--", "sleep", "120"))) {
            Path socket = ControlWire.socket(shared, "default");
            master.awaitReady(master.startedPids(), WAIT);
            Await.until(WAIT, "the control socket", () -> Files.exists(socket));

            Process nobody = new ProcessBuilder(setpriv.toString(), "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    Fixtures.java().toString(), "-Xshare:auto", client.toString(), socket.toString())
                    .redirectErrorStream(true).directory(shared.toFile()).start();
            String said = new String(nobody.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(nobody.waitFor(30, TimeUnit.SECONDS));
            assertEquals("refused: Permission denied", said);
            assertTrue(ControlStatus.ask(socket).settled(1), "the master's own user still can");
        }
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
