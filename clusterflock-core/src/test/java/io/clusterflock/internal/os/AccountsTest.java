package io.clusterflock.internal.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Users and groups as the C library knows them, and the words that switch a worker to one. */
class AccountsTest {

    @Test
    void rootIsUidZeroByNameOrNumber() {
        Accounts.User root = Accounts.user("root").orElseThrow();
        assertEquals(0, root.uid());
        assertEquals(0, root.gid());
        assertEquals(Path.of("/root"), root.home());
        assertEquals(Optional.of(root), Accounts.user("0"));
        assertEquals("root", Accounts.group("0").orElseThrow().name());
        assertEquals(0, Accounts.group("root").orElseThrow().gid());
    }

    @Test
    void unknownNamesAreNone() {
        assertTrue(Accounts.user("no-such-user-here").isEmpty());
        assertTrue(Accounts.group("no-such-group-here").isEmpty());
        assertTrue(Accounts.user("").isEmpty());
    }

    @Test
    void aWorkerAccountSwitchesWithSetprivAndClearsGroups() {
        WorkerAccount account = WorkerAccount.of(Optional.of("root"), Optional.empty()).orElseThrow();
        assertEquals(new WorkerAccount("root", 0, 0, "root", Path.of("/root")), account);
        assertEquals(List.of("--reuid=0", "--regid=0", "--clear-groups", "--"), account.switchCommand().subList(1, 5));
        assertEquals(Optional.empty(), WorkerAccount.of(Optional.empty(), Optional.empty()));
        assertEquals("root:root (0:0)", account.describe());
    }
}
