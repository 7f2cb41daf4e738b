package io.clusterflock.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code status --json}, read: the master's fields and a row per worker. */
record ControlStatus(Map<String, Object> master, List<Row> rows) {

    /** One row; {@code pid} is null for a slot backing off. */
    record Row(int slot, Long pid, int generation, String state, int restarts, Map<String, Object> lastExit) {}

    /** Asks the master on {@code socket} directly (no JVM to start: quick enough to poll). */
    static ControlStatus ask(Path socket) {
        return of(ControlWire.exchange(socket, "status --json\n").strip());
    }

    static ControlStatus of(String json) {
        Map<String, Object> root = ControlJson.object(ControlJson.parse(json));
        List<Row> rows = ControlJson.array(root.get("workers")).stream().map(ControlJson::object)
                .map(w -> new Row(number(w.get("slot")), (Long) w.get("pid"), number(w.get("generation")),
                        (String) w.get("state"), number(w.get("restarts")),
                        w.get("lastExit") == null ? null : ControlJson.object(w.get("lastExit"))))
                .toList();
        return new ControlStatus(ControlJson.object(root.get("master")), rows);
    }

    private static int number(Object value) {
        return Math.toIntExact((Long) value);
    }

    int generation() {
        return number(master.get("generation"));
    }

    /** How many workers the master keeps (its slots). */
    int size() {
        return number(master.get("workers"));
    }

    /** The pids of the rows that have a process, in row order. */
    List<Long> pids() {
        return rows.stream().map(Row::pid).filter(Objects::nonNull).toList();
    }

    /** Whether every slot runs one ready worker of the master's generation, and nothing else runs. */
    boolean settled(int workers) {
        return size() == workers && rows.size() == workers
                && rows.stream().allMatch(r -> r.state().equals("ready") && r.generation() == generation());
    }
}
