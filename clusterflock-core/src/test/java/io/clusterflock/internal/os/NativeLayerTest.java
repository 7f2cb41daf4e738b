package io.clusterflock.internal.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.clusterflock.ExitStatus;
import io.clusterflock.internal.util.Signals;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native layer against real sockets and real processes. */
class NativeLayerTest {

    private static final String PATH = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    private static final Path SH = Path.of("/bin/sh");
    private static final long WAIT_SECONDS = 20;

    @TempDir
    Path tmp;

    /** Children still unreaped when a test ends are killed and reaped, so none outlive the test JVM. */
    private final List<Long> unreaped = new ArrayList<>();

    @AfterEach
    void reapLeftovers() {
        for (long pid : List.copyOf(unreaped)) {
            Processes.signal(pid, Signals.KILL);
            waitWithin(pid);
        }
    }

    @Test
    void platformIsSupportedHere() {
        assertTrue(Platform.isSupported());
        Platform.requireSupported();
    }

    @Test
    void listensOnLoopbackWithAPortTheKernelChose() throws IOException {
        ListenSocket socket = ListenSocket.open("127.0.0.1", 0, 16);
        try (socket) {
            assertTrue(socket.port() > 0);
            assertTrue(socket.fd() >= 4, "fd " + socket.fd() + " must stay clear of 0-3");
            assertEquals(socket.port(), socket.address().getPort());
            assertEquals(InetAddress.getByName("127.0.0.1"), socket.address().getAddress());
            assertEquals("127.0.0.1:" + socket.port(), socket.displayAddress());
            try (Socket client = new Socket("127.0.0.1", socket.port())) {
                assertTrue(client.isConnected()); // the backlog takes it without an accept
            }
        }
        socket.close(); // again: nothing happens
        assertEquals(-1, socket.fd());
    }

    @Test
    void secondSocketOnTheSamePortFailsWithAClearMessage() {
        try (ListenSocket first = ListenSocket.open("127.0.0.1", 0, 16)) {
            NativeException e = assertThrows(
                    NativeException.class, () -> ListenSocket.open("127.0.0.1", first.port(), 16));
            assertEquals("cannot listen on 127.0.0.1:" + first.port() + ": Address already in use", e.getMessage());
            assertEquals(98, e.errno()); // EADDRINUSE
        }
    }

    @Test
    void allInterfacesAcceptIpv4Too() throws IOException {
        try (ListenSocket socket = ListenSocket.open("*", 0, 16)) {
            assertEquals("*:" + socket.port(), socket.displayAddress());
            assertTrue(socket.address().getAddress().isAnyLocalAddress());
            try (Socket client = new Socket("127.0.0.1", socket.port())) {
                assertTrue(client.isConnected());
            }
        }
    }

    @Test
    void ipv6LiteralIsShownInBrackets() {
        try (ListenSocket socket = ListenSocket.open("::1", 0, 16)) {
            assertEquals("[::1]:" + socket.port(), socket.displayAddress());
        }
    }

    @Test
    void unknownHostIsOneClearLine() {
        NativeException e = assertThrows(NativeException.class, () -> ListenSocket.open("nosuch.invalid", 5000, 16));
        assertEquals("cannot listen on nosuch.invalid:5000: unknown host", e.getMessage());
    }

    @Test
    void ipv6LiteralsAreCompressed() throws IOException {
        assertEquals("::", ListenSocket.literal(InetAddress.getByName("::")));
        assertEquals("::1", ListenSocket.literal(InetAddress.getByName("::1")));
        assertEquals("1::", ListenSocket.literal(InetAddress.getByName("1:0:0:0:0:0:0:0")));
        assertEquals("2001:db8::1:0:0:1", ListenSocket.literal(InetAddress.getByName("2001:db8:0:0:1:0:0:1")));
        assertEquals("2001:db8:0:1:1:1:1:1", ListenSocket.literal(InetAddress.getByName("2001:db8:0:1:1:1:1:1")));
    }

    @Test
    void workerGetsTheSocketAtZeroAndThreeAndNothingElse() throws Exception {
        try (ListenSocket socket = ListenSocket.open("127.0.0.1", 0, 16)) {
            String script = "ls /proc/$$/fd; readlink /proc/$$/fd/0 /proc/$$/fd/3; echo \"LISTEN_FDS=$LISTEN_FDS\"";
            List<String> lines = outputOf(script, Map.of("PATH", PATH, "LISTEN_FDS", "1"),
                    Map.of(0, socket.fd(), 3, socket.fd()));
            assertEquals(Set.of(0, 1, 2, 3), fdNumbers(lines));
            String inode = Files.readSymbolicLink(Path.of("/proc/self/fd/" + socket.fd())).toString();
            assertEquals(List.of(inode, inode, "LISTEN_FDS=1"), lines.subList(lines.size() - 3, lines.size()));
        }
    }

    @Test
    void fdsBelowTheHighestChildFdAreClosedToo() throws Exception {
        try (ListenSocket socket = ListenSocket.open("127.0.0.1", 0, 16)) {
            int high = socket.fd() + 30; // the parent fds are below it: the spawner must copy them out of the way
            List<String> lines = outputOf("ls /proc/$$/fd", Map.of("PATH", PATH),
                    Map.of(0, socket.fd(), high, socket.fd()));
            assertEquals(Set.of(0, 1, 2, high), fdNumbers(lines));
        }
    }

    @Test
    void exitCodeIsReported() {
        long pid = spawn(new Spawner.Request(SH, List.of("sh", "-c", "exit 7"), Map.of(), Map.of(), -1));
        ExitStatus status = waitWithin(pid);
        assertEquals(7, status.code());
        assertFalse(status.bySignal());
    }

    @Test
    void terminatedChildReportsTheSignalAndIsGoneOnceReaped() {
        Path sleep = Spawner.resolveExecutable("sleep", PATH).orElseThrow();
        long pid = spawn(new Spawner.Request(sleep, List.of("sleep", "30"), Map.of(), Map.of(), -1));
        assertTrue(Processes.signal(pid, Signals.TERM));
        assertEquals(ExitStatus.killed(Signals.TERM), waitWithin(pid));
        assertFalse(Processes.signal(pid, Signals.TERM));
    }

    @Test
    void childStartsWithNoBlockedOrIgnoredSignals() throws IOException {
        Path sleep = Spawner.resolveExecutable("sleep", PATH).orElseThrow();
        long pid = spawn(new Spawner.Request(sleep, List.of("sleep", "30"), Map.of(), Map.of(), -1));
        assertEquals(0, signalSet(pid, "SigBlk"));
        // glibc's own signals 32 and 33 are outside sigfillset and keep the parent's disposition
        // (under Maven they arrive ignored); every other signal must be back to its default.
        assertEquals(0, signalSet(pid, "SigIgn") & ~0x1_8000_0000L);
        Processes.signal(pid, Signals.KILL);
        assertEquals(ExitStatus.killed(Signals.KILL), waitWithin(pid));
    }

    @Test
    void processGroupZeroMakesTheChildAGroupLeader() throws IOException {
        Path sleep = Spawner.resolveExecutable("sleep", PATH).orElseThrow();
        long pid = spawn(new Spawner.Request(sleep, List.of("sleep", "30"), Map.of(), Map.of(), 0));
        assertEquals(pid, processGroupOf(pid));
        assertNotEquals(processGroupOf(Processes.currentPid()), pid);
        assertTrue(Processes.signalGroup(pid, Signals.TERM));
        assertEquals(ExitStatus.killed(Signals.TERM), waitWithin(pid));
        assertFalse(Processes.signalGroup(pid, Signals.TERM));
    }

    @Test
    void argvZeroIsShownAsGiven() throws IOException {
        // "; exit 0" keeps the shell from exec'ing sleep in its place, which would change cmdline.
        long pid = spawn(new Spawner.Request(SH, List.of("clusterflock worker 0", "-c", "sleep 5; exit 0"),
                Map.of("PATH", PATH), Map.of(), 0));
        // posix_spawn returns once the child has switched to the new program's memory, but the kernel
        // records where argv lies a moment later: until then cmdline reads empty.
        Path file = Path.of("/proc/" + pid + "/cmdline");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        String cmdline = Files.readString(file, StandardCharsets.UTF_8);
        while (cmdline.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            cmdline = Files.readString(file, StandardCharsets.UTF_8);
        }
        assertEquals("clusterflock worker 0\0-c\0sleep 5; exit 0\0", cmdline);
        Processes.signalGroup(pid, Signals.TERM); // the shell and its sleep
        assertEquals(ExitStatus.killed(Signals.TERM), waitWithin(pid));
    }

    @Test
    void resolvesLikeExecvp() throws IOException {
        Path sh = Spawner.resolveExecutable("sh", PATH).orElseThrow();
        assertTrue(sh.isAbsolute() && sh.getFileName().toString().equals("sh"), sh.toString());
        assertTrue(Spawner.resolveExecutable("clusterflock-no-such-command", PATH).isEmpty());
        Path plain = Files.writeString(tmp.resolve("not-executable"), "#!/bin/sh\n");
        assertTrue(Spawner.resolveExecutable(plain.toString(), PATH).isEmpty());
        assertTrue(Spawner.resolveExecutable("not-executable", tmp.toString()).isEmpty());
        assertEquals(Path.of("/bin/sh"), Spawner.resolveExecutable("/bin/sh", PATH).orElseThrow());
    }

    @Test
    void spawningANonExecutableFileFailsWithAClearMessage() throws IOException {
        Path plain = Files.writeString(tmp.resolve("not-executable"), "#!/bin/sh\n");
        NativeException e = assertThrows(NativeException.class,
                () -> Spawner.spawn(new Spawner.Request(plain, List.of("x"), Map.of(), Map.of(), -1)));
        assertEquals("cannot start " + plain + ": Permission denied", e.getMessage());
    }

    @Test
    void readEndSeesEndOfFileOnceTheWriteEndCloses() {
        Pipe pipe = Pipe.open();
        try (pipe) {
            long pid = spawn(new Spawner.Request(SH, List.of("sh", "-c", "cat > /dev/null"),
                    Map.of("PATH", PATH), Map.of(0, pipe.readFd()), -1));
            pipe.closeRead(); // the child has its own copy
            assertTrue(Processes.signal(pid, 0), "cat must wait for input while the write end is open");
            pipe.closeWrite();
            assertEquals(ExitStatus.exited(0), waitWithin(pid)); // cat ends only at end-of-file
        }
        pipe.close(); // again: nothing happens
        assertEquals(-1, pipe.readFd());
        assertEquals(-1, pipe.writeFd());
    }

    @Test
    void commandLineIsCapturedAtLoad() {
        assertFalse(ProcessTitle.commandLine().isEmpty());
    }

    private long spawn(Spawner.Request request) {
        long pid = Spawner.spawn(request);
        unreaped.add(pid);
        return pid;
    }

    /** Reaps {@code pid}, giving up (and killing it) after WAIT_SECONDS rather than hanging the build. */
    private ExitStatus waitWithin(long pid) {
        FutureTask<ExitStatus> wait = new FutureTask<>(() -> Processes.waitFor(pid));
        Thread.ofPlatform().daemon().name("wait-" + pid).start(wait);
        try {
            ExitStatus status = wait.get(WAIT_SECONDS, TimeUnit.SECONDS);
            unreaped.remove(pid);
            return status;
        } catch (TimeoutException e) {
            Processes.signal(pid, Signals.KILL);
            return fail("process " + pid + " did not end within " + WAIT_SECONDS + "s");
        } catch (Exception e) {
            return fail(e);
        }
    }

    /**
     * Runs {@code script} in /bin/sh with {@code fds} and its stdout on a pipe, and returns what it
     * printed. The shell must not redirect: dash keeps saved copies of redirected fds at 10 and up.
     */
    private List<String> outputOf(String script, Map<String, String> environment, Map<Integer, Integer> fds)
            throws IOException {
        try (Pipe pipe = Pipe.open()) {
            Map<Integer, Integer> all = new HashMap<>(fds);
            all.put(1, pipe.writeFd());
            long pid = spawn(new Spawner.Request(SH, List.of("sh", "-c", script), environment, all, -1));
            pipe.closeWrite();
            // The output is far below a pipe's capacity, so the child never blocks on it.
            assertEquals(ExitStatus.exited(0), waitWithin(pid));
            // Opening /proc/self/fd/N of a pipe opens the same pipe: reads it to end-of-file.
            return Files.readAllLines(Path.of("/proc/self/fd/" + pipe.readFd()));
        }
    }

    private static Set<Integer> fdNumbers(List<String> lines) {
        Set<Integer> fds = new TreeSet<>();
        lines.stream().filter(line -> line.matches("\\d+")).forEach(line -> fds.add(Integer.parseInt(line)));
        return fds;
    }

    /** A signal set line of /proc/[pid]/status, e.g. SigIgn, as a bit mask (bit n-1 for signal n). */
    private static long signalSet(long pid, String name) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(line -> line.startsWith(name + ":"))
                .mapToLong(line -> Long.parseUnsignedLong(line.substring(name.length() + 1).trim(), 16))
                .findFirst()
                .orElseThrow();
    }

    /** Field 5 (pgrp) of /proc/[pid]/stat, counted after the ')' that ends field 2. */
    private static long processGroupOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ")[2]);
    }
}
