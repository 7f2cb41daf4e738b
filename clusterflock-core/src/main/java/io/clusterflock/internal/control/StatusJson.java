package io.clusterflock.internal.control;

import io.clusterflock.EndCause;
import io.clusterflock.WorkerExit;
import io.clusterflock.internal.supervisor.RolloutState;
import io.clusterflock.internal.util.Json;
import io.clusterflock.internal.util.Signals;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code status --json} for scripts: one object on one line. Fields (docs/OPERATIONS.md lists them)
 * are always present; what does not apply is null, never "-".
 */
final class StatusJson {
    private StatusJson() {}

    static String render(StatusReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("master", master(report.master()));
        root.put("workers", report.rows().stream().map(StatusJson::row).toList());
        return Json.write(root);
    }

    private static Map<String, Object> master(StatusReport.MasterRow master) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pid", master.pid());
        json.put("name", master.name());
        json.put("uptimeMillis", master.uptime().toMillis());
        json.put("listening", master.listening());
        json.put("port", master.port());
        json.put("balance", master.balance());
        json.put("generation", master.rollout().serving());
        json.put("reload", reload(master.rollout()));
        json.put("workers", master.workers());
        return json;
    }

    private static Map<String, Object> row(StatusReport.Row row) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("slot", row.slot());
        json.put("pid", orNull(row.pid()));
        json.put("generation", row.generation());
        json.put("state", row.state().label);
        json.put("ending", row.ending().map(EndCause::code).orElse(null));
        json.put("respawnInMillis", row.respawnIn().map(d -> (Object) d.toMillis()).orElse(null));
        json.put("uptimeMillis", row.uptime().map(d -> (Object) d.toMillis()).orElse(null));
        json.put("restarts", row.restarts());
        json.put("rssBytes", orNull(row.rss()));
        json.put("heapLimitBytes", orNull(row.heap()));
        json.put("requests", orNull(row.requests()));
        json.put("lastExit", row.lastExit().map(StatusJson::exit).orElse(null));
        return json;
    }

    /** The newest generation when it is not the one that serves: under way, or given up; else null. */
    private static Map<String, Object> reload(RolloutState rollout) {
        if (!rollout.underWay() && rollout.failure().isEmpty()) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("generation", rollout.newest());
        json.put("rolling", rollout.rolling());
        json.put("state", rollout.underWay() ? "under way" : "gave up");
        json.put("reason", rollout.failure().orElse(null));
        return json;
    }

    private static Map<String, Object> exit(WorkerExit exit) {
        Map<String, Object> json = new LinkedHashMap<>();
        boolean signal = exit.status().bySignal();
        json.put("code", signal ? null : exit.status().code());
        json.put("signal", signal ? exit.status().signal() : null);
        json.put("signalName", signal ? Signals.name(exit.status().signal()) : null);
        json.put("cause", exit.cause().code());
        json.put("expected", exit.expected());
        json.put("reason", exit.cause().describe());
        json.put("generation", exit.generation());
        return json;
    }

    private static Object orNull(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }
}
