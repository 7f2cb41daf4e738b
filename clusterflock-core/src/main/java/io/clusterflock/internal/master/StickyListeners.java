package io.clusterflock.internal.master;

import io.clusterflock.internal.os.HalfOpen;
import io.clusterflock.internal.os.ReuseportGroup;
import io.clusterflock.internal.sticky.ClientMap;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sticky sessions: a listening socket per slot, all in one {@code SO_REUSEPORT} group, and a
 * classic BPF program ({@link ClientMap}) that gives each new connection to the socket of its
 * client address's slot. Slot {@code i}'s socket is the group's {@code i}-th and stays open for the
 * life of the cluster: every worker of slot {@code i}, of any generation, inherits it, so a reload
 * or a respawn resets nothing queued and a client stays on its slot. The program maps client
 * addresses over the slots that have a ready worker, so that new connections are not left waiting
 * on a slot whose worker is dead or starting; when none has, over every slot.
 */
final class StickyListeners implements Listeners {
    private final ReuseportGroup group;
    private Set<Integer> mapped;

    private StickyListeners(ReuseportGroup group, Set<Integer> slots) {
        this.group = group;
        this.mapped = slots;
    }

    /** A socket for each of the first {@code workers} slots, the program mapping clients over all of them. */
    static StickyListeners open(String host, int port, int backlog, int workers) {
        ReuseportGroup group = ReuseportGroup.open(host, port, backlog);
        try {
            Set<Integer> slots = new TreeSet<>();
            for (int slot = 0; slot < workers; slot++) {
                if (slot > 0) {
                    group.add();
                }
                slots.add(slot);
            }
            group.attach(ClientMap.program(ClientMap.table(slots)));
            return new StickyListeners(group, slots);
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
    }

    @Override
    public synchronized int fdFor(int slot) {
        while (group.size() <= slot) {
            group.add(); // joins at index size(): the i-th socket is slot i's
        }
        return group.socket(slot).fd();
    }

    @Override
    public synchronized void serving(Set<Integer> slots) {
        Set<Integer> target = new TreeSet<>(slots);
        if (target.isEmpty() || target.equals(mapped)) {
            return; // with no slot ready, clients keep the slots they had
        }
        for (int slot : target) {
            fdFor(slot);
        }
        group.attach(ClientMap.program(ClientMap.table(target)));
        mapped = target;
    }

    @Override
    public synchronized boolean closeDoor() {
        for (int slot = 0; slot < group.size(); slot++) {
            Door.close(group.socket(slot));
        }
        return true;
    }

    @Override
    public synchronized int waiting() {
        int waiting = HalfOpen.count(group.port());
        for (int slot = 0; slot < group.size(); slot++) {
            waiting += group.queued(slot);
        }
        return waiting;
    }

    /** Where {@code client}'s new connections go now: {@code slot 2 (bucket 57 of 256)}. */
    synchronized String describe(java.net.InetAddress client) {
        int bucket = ClientMap.bucket(client);
        return "slot " + ClientMap.table(mapped)[bucket] + " (bucket " + bucket + " of " + ClientMap.BUCKETS + ")";
    }

    @Override
    public InetSocketAddress address() {
        return group.socket(0).address();
    }

    @Override
    public String displayAddress() {
        return group.socket(0).displayAddress();
    }

    @Override
    public String balance() {
        return "sticky";
    }

    @Override
    public void close() {
        group.close();
    }
}
