package io.clusterflock.internal.sticky;

import io.clusterflock.internal.os.Bpf;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Sticky sessions: which slot a client address goes to. An address hashes to one of
 * {@value #BUCKETS} buckets; a table gives each bucket a slot by rendezvous hashing (each bucket
 * goes to the slot that scores highest for it), so a slot added or taken away moves only the
 * buckets it gains or loses, about one in N. The kernel runs the same computation for every new
 * connection, as the classic BPF program of the slots' reuseport group ({@link #program}), and
 * the master never touches a connection.
 *
 * <p>Connections from 127.255.0.0/16 are a worker's own wake-up calls and go to the slot their
 * address names ({@link #WAKE_UP_NET}).
 *
 * <p>The hash is the source address as the packet carries it: IPv4's 32 bits, or the four 32-bit
 * words of an IPv6 address xor'ed, times a Fibonacci constant, top 8 bits. A client behind a NAT
 * shares its address, and its slot, with every other client behind it.
 */
public final class ClientMap {
    public static final int BUCKETS = 256;
    private static final int FIBONACCI = 0x9E3779B1;
    private static final int BUCKET_SHIFT = 24; // 32 - log2(BUCKETS)
    /**
     * 127.255.0.0/16: a connection from 127.255.H.L goes to slot H * 256 + L. A draining worker
     * wakes its own acceptor with one ({@code AcceptorWakeUp}); a client address maps by its bucket.
     */
    public static final int WAKE_UP_NET = 0x7fff0000;

    private ClientMap() {}

    /** The bucket of a client address: what the program computes for its connections. */
    public static int bucket(InetAddress address) {
        byte[] b = address.getAddress();
        int a;
        if (b.length == 4) {
            a = word(b, 0);
        } else if (v4Mapped(b)) {
            a = word(b, 12); // reaches a dual-stack socket as an IPv4 packet
        } else {
            a = word(b, 0) ^ word(b, 4) ^ word(b, 8) ^ word(b, 12);
        }
        return (a * FIBONACCI) >>> BUCKET_SHIFT;
    }

    /**
     * Where a worker of the shared socket wakes its acceptor from: an address of the wake-up net,
     * whose SYNs pass the door a shutdown closes (see the master's {@code Door}).
     */
    public static InetAddress sharedWakeUpAddress() {
        return wakeUpAddress(0xfffe); // 127.255.255.254: beyond any slot
    }

    /** The source address from which a connection reaches {@code slot}'s socket whatever the table. */
    public static InetAddress wakeUpAddress(int slot) {
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) 255, (byte) (slot >> 8), (byte) slot});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("a literal address was refused", e);
        }
    }

    /** Each bucket's slot, the highest-scoring of {@code slots} for it. */
    public static int[] table(Collection<Integer> slots) {
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("no slot to map clients to");
        }
        TreeSet<Integer> ordered = new TreeSet<>(slots);
        int[] table = new int[BUCKETS];
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            int best = ordered.first();
            long bestScore = Long.MIN_VALUE;
            for (int slot : ordered) {
                long score = score(bucket, slot);
                if (score > bestScore) {
                    best = slot;
                    bestScore = score;
                }
            }
            table[bucket] = best;
        }
        return table;
    }

    /**
     * The reuseport program for {@code table}: the version nibble of the IP header, the source
     * address hashed to its bucket, then the bucket's slot, which is the index of its socket in
     * the group.
     */
    public static List<Bpf> program(int[] table) {
        if (table.length != BUCKETS) {
            throw new IllegalArgumentException("a table has " + BUCKETS + " buckets, not " + table.length);
        }
        List<Bpf> program = new ArrayList<>(List.of(
                Bpf.loadByte(Bpf.NET_OFF),          // 0: version and header length
                Bpf.shiftRight(4),
                Bpf.jumpIfEqual(6, 0, 11),          // 2: IPv6 on, else to 14
                Bpf.loadWord(Bpf.NET_OFF + 8),      // 3: IPv6 source, four words xor'ed
                Bpf.tax(),
                Bpf.loadWord(Bpf.NET_OFF + 12),
                Bpf.xorX(),
                Bpf.tax(),
                Bpf.loadWord(Bpf.NET_OFF + 16),
                Bpf.xorX(),
                Bpf.tax(),
                Bpf.loadWord(Bpf.NET_OFF + 20),
                Bpf.xorX(),
                Bpf.jumpAlways(8),                  // 13: to 22
                Bpf.loadWord(Bpf.NET_OFF + 12),     // 14: IPv4 source
                Bpf.tax(),
                Bpf.and(0xffff0000),
                Bpf.jumpIfEqual(WAKE_UP_NET, 0, 3), // 17: a worker's own wake-up? else to 21
                Bpf.txa(),
                Bpf.and(0xffff),
                Bpf.returnA(),                      // 20: its slot, the address's last 16 bits
                Bpf.txa(),                          // 21
                Bpf.multiply(FIBONACCI),            // 22
                Bpf.shiftRight(BUCKET_SHIFT)));     // 23: A is the bucket
        // Runs of buckets with one slot, the last first: "bucket >= start of run? its slot".
        List<int[]> runs = new ArrayList<>();
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            if (runs.isEmpty() || runs.getLast()[1] != table[bucket]) {
                runs.add(new int[] {bucket, table[bucket]});
            }
        }
        for (int i = runs.size() - 1; i > 0; i--) {
            program.add(Bpf.jumpIfAtLeast(runs.get(i)[0], 0, 1));
            program.add(Bpf.returnConstant(runs.get(i)[1]));
        }
        program.add(Bpf.returnConstant(runs.getFirst()[1]));
        return program;
    }

    private static long score(int bucket, int slot) {
        long x = bucket * 0x9E3779B97F4A7C15L + (slot + 1) * 0xC2B2AE3D27D4EB4FL;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }

    private static int word(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static boolean v4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
