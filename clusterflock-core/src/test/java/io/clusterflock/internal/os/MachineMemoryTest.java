package io.clusterflock.internal.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine's memory from fixture files laid out as /proc and /sys/fs/cgroup are: no cgroup is read or touched. */
class MachineMemoryTest {
    private static final long GIB = 1L << 30;
    @TempDir
    Path root;

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private void physical(long kib) throws IOException {
        write("proc/meminfo", "MemTotal:       " + kib + " kB\nMemFree:         1000 kB\n");
    }

    @Test
    void withoutACgroupLimitItIsPhysicalMemory() throws IOException {
        physical(24 * 1024 * 1024);
        write("proc/self/cgroup", "0::/user.slice/session-3.scope\n");
        write("sys/fs/cgroup/user.slice/session-3.scope/memory.max", "max\n");
        write("sys/fs/cgroup/user.slice/memory.max", "max\n");

        assertEquals(Optional.of(new MachineMemory(24 * GIB, "physical memory")), MachineMemory.read(root));
    }

    @Test
    void cgroupV2MemoryMaxIsTheLimitAndTheLowestOnTheWayUpWins() throws IOException {
        physical(24 * 1024 * 1024);
        write("proc/self/cgroup", "0::/kubepods/pod1/app\n");
        write("sys/fs/cgroup/kubepods/pod1/app/memory.max", "max\n");
        write("sys/fs/cgroup/kubepods/pod1/memory.max", Long.toString(2 * GIB) + "\n");
        write("sys/fs/cgroup/kubepods/memory.max", Long.toString(16 * GIB) + "\n");

        assertEquals(Optional.of(new MachineMemory(2 * GIB, "the cgroup limit")), MachineMemory.read(root));
    }

    @Test
    void aContainerWithItsOwnCgroupNamespaceReadsTheRootOfItsMount() throws IOException {
        physical(24 * 1024 * 1024);
        write("proc/self/cgroup", "0::/\n");
        write("sys/fs/cgroup/memory.max", "268435456\n");

        assertEquals(Optional.of(new MachineMemory(256L << 20, "the cgroup limit")), MachineMemory.read(root));
    }

    @Test
    void cgroupV1LimitInBytesIsTheLimit() throws IOException {
        physical(24 * 1024 * 1024);
        write("proc/self/cgroup", "9:name=systemd:/docker/abc\n4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n0::/\n");
        write("sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "536870912\n");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");

        assertEquals(Optional.of(new MachineMemory(512L << 20, "the cgroup limit")), MachineMemory.read(root));
    }

    @Test
    void cgroupV1NoLimitIsTheHugeValueAndMeansPhysicalMemory() throws IOException {
        physical(8 * 1024 * 1024);
        write("proc/self/cgroup", "4:memory:/process_api/59667efb\n");
        write("sys/fs/cgroup/memory/process_api/59667efb/memory.limit_in_bytes", "9223372036854771712\n");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");

        assertEquals(Optional.of(new MachineMemory(8 * GIB, "physical memory")), MachineMemory.read(root));
    }

    @Test
    void aContainerWithoutItsOwnNamespaceSeesTheHostPathAndReadsItsMountsRoot() throws IOException {
        physical(8 * 1024 * 1024);
        write("proc/self/cgroup", "4:memory:/docker/0123abcd\n");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "1073741824\n");

        assertEquals(Optional.of(new MachineMemory(GIB, "the cgroup limit")), MachineMemory.read(root));
    }

    @Test
    void aLimitAbovePhysicalMemoryIsPhysicalMemory() throws IOException {
        physical(4 * 1024 * 1024);
        write("proc/self/cgroup", "0::/big\n");
        write("sys/fs/cgroup/big/memory.max", Long.toString(64 * GIB));

        assertEquals(Optional.of(new MachineMemory(4 * GIB, "physical memory")), MachineMemory.read(root));
    }

    @Test
    void withoutCgroupFilesItIsPhysicalMemoryAndWithoutMeminfoNothing() throws IOException {
        assertEquals(Optional.empty(), MachineMemory.read(root));
        physical(1024 * 1024);
        assertEquals(Optional.of(new MachineMemory(GIB, "physical memory")), MachineMemory.read(root));
    }

    @Test
    void thisMachineHasSome() {
        assertTrue(MachineMemory.here().orElseThrow().bytes() > 0);
    }
}
