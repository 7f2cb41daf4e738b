package io.clusterflock.internal.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NotifySocket against real datagrams, from this JVM and from child processes. */
class NotifySocketTest {

    private static final long WAIT_SECONDS = 20;

    @TempDir
    Path tmp;

    @Test
    void receivesWhatThisProcessSendsWithItsPidAndRemovesTheFileOnClose() throws Exception {
        Path path = tmp.resolve("notify");
        NotifySocket socket = NotifySocket.open(path);
        try (socket) {
            assertEquals(path.toAbsolutePath(), socket.path());
            PosixFileAttributes file =
                    Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertTrue(file.isOther(), "a socket file is neither regular, directory nor link");
            NotifySocket.send(path, "READY=1\nSTATUS=hello");
            NotifySocket.Datagram datagram = receiveWithin(socket);
            assertEquals(ProcessHandle.current().pid(), datagram.pid());
            assertEquals(Files.getAttribute(path, "unix:uid"), datagram.uid()); // we made the file
            assertEquals("READY=1\nSTATUS=hello", datagram.text());
        }
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "close() removes the socket file");
        assertEquals(-1, socket.fd());
        socket.close(); // again: nothing happens
        assertThrows(NotifySocket.ClosedException.class, socket::receive);
    }

    @Test
    void tellsTheChildProcessThatSent() throws Exception {
        assumeTrue(python("import socket"), "python3 is needed to send as another process");
        try (NotifySocket socket = NotifySocket.open(tmp.resolve("notify"))) {
            Process child = startPython(socket, """
                    import os, socket
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                    s.sendto(b'READY=1', os.environ['NOTIFY_SOCKET'])
                    """);
            NotifySocket.Datagram datagram = receiveWithin(socket);
            assertEquals(child.pid(), datagram.pid());
            assertEquals("READY=1", datagram.text());
            assertEquals(0, exitWithin(child));
        }
    }

    @Test
    void closesFdsPassedWithADatagram() throws Exception {
        assumeTrue(python("import socket"), "python3 is needed to pass fds from another process");
        try (NotifySocket socket = NotifySocket.open(tmp.resolve("notify"))) {
            // The child passes five copies of a pipe's write end, closes its own, and reads the pipe:
            // it sees end-of-file only once every copy, ours included, is closed.
            Process child = startPython(socket, """
                    import array, os, socket
                    r, w = os.pipe()
                    print(os.fstat(w).st_ino, flush=True)
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                    fds = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array('i', [w] * 5))]
                    # not socket.send_fds: Python 3.11 ignores its address argument
                    s.sendmsg([b'READY=1'], fds, 0, os.environ['NOTIFY_SOCKET'])
                    os.close(w)
                    assert os.read(r, 1) == b''
                    print('eof', flush=True)
                    """);
            String pipe = "pipe:[" + child.inputReader().readLine() + "]";
            List<String> before = openFds();
            NotifySocket.Datagram datagram = receiveWithin(socket);
            List<String> after = openFds();
            assertEquals(child.pid(), datagram.pid());
            assertEquals("READY=1", datagram.text());
            assertFalse(after.contains(pipe), "a passed fd is still open: " + after);
            assertTrue(after.size() <= before.size(), "fds before " + before + ", after " + after);
            assertEquals(0, exitWithin(child), "the child never saw end-of-file: an fd leaked");
            assertEquals("eof", child.inputReader().readLine());
        }
    }

    @Test
    void closeWakesAReceiveBlockedInAnotherThread() throws Exception {
        NotifySocket socket = NotifySocket.open(tmp.resolve("notify"));
        int fd = socket.fd();
        FutureTask<NotifySocket.Datagram> receive = new FutureTask<>(socket::receive);
        Thread.ofPlatform().daemon().name("receiver").start(receive);
        try {
            awaitThreadInRecvmsg(fd);
        } finally {
            socket.close();
        }
        ExecutionException e = assertThrows(ExecutionException.class, () -> receive.get(1, TimeUnit.SECONDS));
        assertInstanceOf(NotifySocket.ClosedException.class, e.getCause());
        assertEquals(-1, socket.fd(), "the receiver closed the fd as it left");
        assertThrows(NotifySocket.ClosedException.class, socket::receive);
    }

    @Test
    void refusesAPathTooLongForASocketAddress() {
        Path path = tmp.resolve("n".repeat(120));
        NativeException e = assertThrows(NativeException.class, () -> NotifySocket.open(path));
        assertEquals("cannot bind notify socket " + path + ": the path is "
                + path.toString().getBytes(StandardCharsets.UTF_8).length
                + " bytes, and a unix socket path must be at most 107", e.getMessage());
        assertEquals(Libc.ENAMETOOLONG, e.errno());
        assertFalse(Files.exists(path));
    }

    @Test
    void refusesAPathAlreadyTaken() {
        try (NotifySocket first = NotifySocket.open(tmp.resolve("notify"))) {
            NativeException e = assertThrows(NativeException.class, () -> NotifySocket.open(first.path()));
            assertEquals("cannot bind notify socket " + first.path() + ": Address already in use", e.getMessage());
        }
    }

    @Test
    void keepsTheWholeLinesOfADatagramTooLong() throws Exception {
        try (NotifySocket socket = NotifySocket.open(tmp.resolve("notify"))) {
            String line = "STATUS=" + "x".repeat(92) + "\n"; // 100 bytes
            NotifySocket.send(socket.path(), line.repeat(50));
            assertEquals(line.repeat(40), receiveWithin(socket).text());
            NotifySocket.send(socket.path(), "");
            assertEquals("", receiveWithin(socket).text()); // an empty datagram is not end-of-stream
        }
    }

    /** receive(), failing the test rather than hanging when nothing comes. */
    private static NotifySocket.Datagram receiveWithin(NotifySocket socket) throws Exception {
        FutureTask<NotifySocket.Datagram> receive = new FutureTask<>(socket::receive);
        Thread.ofPlatform().daemon().name("receiver").start(receive);
        try {
            return receive.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            socket.close(); // wakes the receiver
            throw new AssertionError("no datagram within " + WAIT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    /**
     * Waits until some thread of this JVM is inside recvmsg on {@code fd}, as /proc/self/task/N/syscall
     * tells ("47 0x5 ..." on x86_64: the syscall number, then its arguments). Without that file
     * (some sandboxes hide it) the test goes on, and only checks a receive that may not be blocked yet.
     */
    private static void awaitThreadInRecvmsg(int fd) throws IOException, InterruptedException {
        String recvmsg = switch (System.getProperty("os.arch")) {
            case "aarch64" -> "212";
            default -> "47";
        };
        String prefix = recvmsg + " 0x" + Integer.toHexString(fd) + " ";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            boolean readable = false;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    String line;
                    try {
                        line = Files.readString(task.resolve("syscall"));
                    } catch (IOException e) {
                        continue; // the thread ended, or the file is not ours to read
                    }
                    readable = true;
                    if (line.startsWith(prefix)) {
                        return;
                    }
                }
            }
            if (!readable) {
                return;
            }
            Thread.sleep(1); // polling a condition, not waiting for time to pass
        }
        throw new AssertionError("no thread entered recvmsg on fd " + fd + " within " + WAIT_SECONDS + " s");
    }

    private static List<String> openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return "(closed)"; // the fd Files.list itself used
                }
            }).toList();
        }
    }

    private static Process startPython(NotifySocket socket, String script) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("python3", "-c", script);
        builder.environment().put("NOTIFY_SOCKET", socket.path().toString());
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        return builder.start();
    }

    /** True when python3 runs {@code probe} without error. */
    private static boolean python(String probe) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("python3", "-c", probe).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static int exitWithin(Process child) throws InterruptedException {
        if (!child.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("process " + child.pid() + " did not end within " + WAIT_SECONDS + " s");
        }
        return child.exitValue();
    }
}
