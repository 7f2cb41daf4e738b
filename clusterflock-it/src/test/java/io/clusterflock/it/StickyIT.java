package io.clusterflock.it;

import static io.clusterflock.it.MasterEvent.Kind.EXIT;
import static io.clusterflock.it.MasterEvent.Kind.READY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.internal.sticky.ClientMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --sticky}: every connection from one client address reaches the same slot, over many
 * connections, across a reload and across a {@code kill -9} of the slot's worker; clients spread
 * over the slots; a reload under load fails no request. Clients come from 127.0.0.2 and up, all on
 * {@code lo}.
 */
@Timeout(180)
class StickyIT {
    private static final Pattern HELLO = Pattern.compile("^hello from worker (\\d+) \\(pid (\\d+)\\)$");
    private static final List<String> CLIENTS = IntStream.rangeClosed(2, 13).mapToObj(i -> "127.0.0." + i).toList();
    private static final int CONNECTIONS_EACH = 4;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeAll
    static void wrkIsInstalled() {
        LoadWrk.executable();
    }

    @Test
    void eachClientAddressStaysOnOneSlotAcrossAReloadAndAKill() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "3", "-p", "0", "--sticky")) {
            master.awaitReady(master.startedPids(), WAIT);
            Map<String, Answer> first = answers(master.port());
            Map<String, Integer> slots = slots(first);
            assertTrue(first.values().stream().noneMatch(answer -> answer.pid() == master.pid()), "the master answered");
            assertTrue(new HashSet<>(slots.values()).size() >= 2, "12 addresses on one slot: " + slots);
            String client = CLIENTS.get(3);
            assertTrue(ControlCli.ok(master.runtimeDirectory(), "status", "--sticky-for", client).stdout()
                    .startsWith(client + " goes to slot " + slots.get(client) + " (bucket "), "status --sticky-for " + client);
            assertTrue(ControlCli.ok(master.runtimeDirectory(), "status").lines().getFirst().contains("(sticky by client address)"));

            int mark = master.mark();
            master.signal("USR2");
            ReloadLog.awaitServing(master, mark, 1, WAIT);
            ReloadLog.awaitGone(master, first.values().stream().map(Answer::pid).distinct().toList(), WAIT,
                    "the first generation's workers drained and gone"); // a draining acceptor may still take one
            Map<String, Answer> reloaded = answers(master.port());
            assertEquals(slots, slots(reloaded), "the same slots after a reload" + master.output());
            reloaded.forEach((address, answer) -> assertTrue(answer.pid() != first.get(address).pid(),
                    address + " still reaches the old worker " + answer.pid() + master.output()));

            Answer victim = reloaded.get(CLIENTS.getFirst());
            mark = master.mark();
            Kill.signal(victim.pid(), "KILL");
            master.awaitEventAfter(mark, EventMatch.about(EXIT, victim.pid()), WAIT);
            master.awaitEventAfter(mark, EventMatch.inSlot(READY, victim.slot()), WAIT);
            // Its clients went to other slots while it was down; they come back once its replacement is ready.
            Await.until(Duration.ofSeconds(10), () -> "the clients of slot " + victim.slot() + " back on it" + master.output(),
                    () -> slotsOnce(master.port()).equals(slots));
            assertEquals(slots, slots(answers(master.port())), "the same slots after a kill -9" + master.output());
        }
    }

    @Test
    void scalingUpAndDownMovesOnlyTheClientsOfTheSlotAddedOrRetired() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "3", "-p", "0", "--sticky")) {
            master.awaitReady(master.startedPids(), WAIT);
            Map<String, Integer> three = slots(answers(master.port()));
            assertEquals(expected(Set.of(0, 1, 2)), three, "the client map over three slots");

            int mark = master.mark();
            ControlCli.ok(master.runtimeDirectory(), "scale", "4");
            master.awaitEventAfter(mark, EventMatch.inSlot(READY, 3), WAIT);
            Map<String, Integer> four = expected(Set.of(0, 1, 2, 3));
            Await.until(Duration.ofSeconds(10), () -> "clients on four slots as " + four + master.output(),
                    () -> slotsOnce(master.port()).equals(four));
            assertEquals(four, slots(answers(master.port())));
            four.forEach((client, slot) -> assertTrue(slot.equals(three.get(client)) || slot == 3,
                    client + " moved from slot " + three.get(client) + " to " + slot + ", not to the new slot 3"));
            assertTrue(four.containsValue(3), "no client of 12 went to the new slot: " + four);

            mark = master.mark();
            ControlCli.ok(master.runtimeDirectory(), "scale", "3");
            MasterEvent stopping = master.awaitEventAfter(mark, EventMatch.of(MasterEvent.Kind.STOPPING), WAIT);
            int retired = stopping.slot();
            Set<Integer> left = new java.util.TreeSet<>(Set.of(0, 1, 2, 3));
            left.remove(retired);
            Map<String, Integer> after = expected(left);
            master.awaitEventAfter(mark, EventMatch.about(EXIT, stopping.pid()), WAIT);
            assertEquals(after, slots(answers(master.port())), "after slot " + retired + " was retired");
            after.forEach((client, slot) -> assertTrue(four.get(client) == retired || slot.equals(four.get(client)),
                    client + " moved though its slot " + four.get(client) + " stays"));
        }
    }

    /** Where each client should go over {@code slots}: the map the master hands the kernel. */
    private static Map<String, Integer> expected(Set<Integer> slots) {
        int[] table = ClientMap.table(slots);
        Map<String, Integer> expected = new TreeMap<>();
        for (String client : CLIENTS) {
            expected.put(client, table[ClientMap.bucket(java.net.InetAddress.ofLiteral(client))]);
        }
        return expected;
    }

    @Test
    void aReloadUnderLoadFailsNoRequest() {
        try (MasterProcess master = MasterProcess.start("demo", "-w", "2", "-p", "0", "--sticky")) {
            master.awaitReady(master.startedPids(), WAIT);
            LoadWrk.Run run = LoadWrk.start(master.port(), Duration.ofSeconds(60));
            LoadWrk.Result load;
            try {
                for (int generation = 1; generation <= 2; generation++) {
                    int mark = master.mark();
                    master.signal("USR2");
                    ReloadLog.awaitServing(master, mark, generation, WAIT);
                }
            } finally {
                load = run.stop();
            }
            System.out.println("[sticky] two reloads under keep-alive load: " + load.summary());
            load.assertNoFailedRequest("keep-alive load through two reloads with --sticky", master.output());
        }
    }

    private record Answer(int slot, long pid) { }

    /** Each client's answers over {@value #CONNECTIONS_EACH} connections: they must all come from one worker. */
    private static Map<String, Answer> answers(int port) {
        Map<String, Answer> answers = new TreeMap<>();
        for (String client : CLIENTS) {
            for (int i = 0; i < CONNECTIONS_EACH; i++) {
                Answer answer = get(client, port);
                Answer before = answers.putIfAbsent(client, answer);
                assertTrue(before == null || before.equals(answer), client + " reached " + before + " then " + answer);
            }
        }
        return answers;
    }

    /** Each client's slot over one connection. */
    private static Map<String, Integer> slotsOnce(int port) {
        Map<String, Integer> slots = new TreeMap<>();
        CLIENTS.forEach(client -> slots.put(client, get(client, port).slot()));
        return slots;
    }

    private static Map<String, Integer> slots(Map<String, Answer> answers) {
        Map<String, Integer> slots = new TreeMap<>();
        answers.forEach((client, answer) -> slots.put(client, answer.slot()));
        return slots;
    }

    private static Answer get(String client, int port) {
        try {
            Http.Response response = Http.getFrom(client, port, "/");
            Matcher hello = HELLO.matcher(response.body().strip());
            assertTrue(response.status() == 200 && hello.matches(), "GET / from " + client + ": " + response);
            return new Answer(Integer.parseInt(hello.group(1)), Long.parseLong(hello.group(2)));
        } catch (IOException e) {
            throw new UncheckedIOException("GET / from " + client, e);
        }
    }
}
