package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Reading /proc/PID/stat for a zombie child; the reaping itself is tested as PID 1 of a PID namespace (PidOneIT). */
class ZombieReaperTest {

    @Test
    void aZombieChildIsFoundByStateAndParent() {
        assertTrue(ZombieReaper.isZombieChildOf("42 (sleep) Z 1 42 42 0 -1 4194820 0", 1));
        assertFalse(ZombieReaper.isZombieChildOf("42 (sleep) S 1 42 42 0 -1 4194820 0", 1));
        assertFalse(ZombieReaper.isZombieChildOf("42 (sleep) Z 7 42 42 0 -1 4194820 0", 1));
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesIsSkipped() {
        assertTrue(ZombieReaper.isZombieChildOf("43 (a) Z 9 (b)) Z 1 43 43 0", 1));
        assertFalse(ZombieReaper.isZombieChildOf("", 1));
    }
}
