package io.clusterflock.internal.sticky;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientMapTest {
    @Test
    void aSlotAddedTakesAboutItsShareOfBucketsAndMovesNoOtherBucket() {
        int[] three = ClientMap.table(Set.of(0, 1, 2));
        int[] four = ClientMap.table(Set.of(0, 1, 2, 3));
        int moved = 0;
        for (int bucket = 0; bucket < ClientMap.BUCKETS; bucket++) {
            if (three[bucket] != four[bucket]) {
                assertEquals(3, four[bucket], "bucket " + bucket + " moved between old slots");
                moved++;
            }
        }
        assertTrue(moved > 30 && moved < 100, moved + " of 256 buckets moved to the new slot");
    }

    @Test
    void aSlotTakenAwayMovesOnlyItsOwnBuckets() {
        int[] four = ClientMap.table(Set.of(0, 1, 2, 3));
        int[] without1 = ClientMap.table(Set.of(0, 2, 3));
        for (int bucket = 0; bucket < ClientMap.BUCKETS; bucket++) {
            if (four[bucket] != 1) {
                assertEquals(four[bucket], without1[bucket], "bucket " + bucket);
            }
        }
    }

    @Test
    void everySlotGetsAShare() {
        int[] table = ClientMap.table(Set.of(0, 1, 2, 3));
        for (int slot = 0; slot < 4; slot++) {
            int s = slot;
            long share = Arrays.stream(table).filter(t -> t == s).count();
            assertTrue(share > 30 && share < 100, "slot " + slot + " has " + share + " of 256 buckets");
        }
    }

    @Test
    void anIpv4AddressAndItsMappedFormShareABucket() throws Exception {
        InetAddress v4 = InetAddress.getByName("192.0.2.7");
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7});

        assertEquals(ClientMap.bucket(v4), ClientMap.bucket(mapped));
        List<Integer> loopback = List.of(ClientMap.bucket(InetAddress.getByName("127.0.0.2")),
                ClientMap.bucket(InetAddress.getByName("127.0.0.3")));
        assertTrue(!loopback.get(0).equals(loopback.get(1)), "neighbouring addresses spread: " + loopback);
    }

    @Test
    void theProgramReturnsEachRunsSlot() {
        int[] table = new int[ClientMap.BUCKETS];
        Arrays.fill(table, 128, 256, 1);

        List<io.clusterflock.internal.os.Bpf> program = ClientMap.program(table);
        int start = 24; // the hash's instructions
        assertEquals(start + 2 + 1, program.size());
        assertEquals(io.clusterflock.internal.os.Bpf.jumpIfAtLeast(128, 0, 1), program.get(start));
        assertEquals(io.clusterflock.internal.os.Bpf.returnConstant(1), program.get(start + 1));
        assertEquals(io.clusterflock.internal.os.Bpf.returnConstant(0), program.get(start + 2));
    }
}
