package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import java.lang.reflect.Method;
import java.util.Map;

/** A {@link Worker} read from a made-up environment, with no master to talk to: its reports go nowhere. */
final class Workers {
    private Workers() {}

    static Worker of(Map<String, String> environment) {
        try {
            Method fromEnvironment = Worker.class.getDeclaredMethod("fromEnvironment", Map.class);
            fromEnvironment.setAccessible(true);
            @SuppressWarnings("unchecked")
            var worker = (java.util.Optional<Worker>) fromEnvironment.invoke(null, environment);
            return worker.orElseThrow();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
