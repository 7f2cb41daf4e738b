package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * In a worker, defaults that suit a process the master stops with SIGTERM and kills after its
 * {@code --timeout}: graceful shutdown ({@code server.shutdown=graceful}), and a shutdown phase no
 * longer than the worker's drain time, so that Spring gives up before the master's kill; and no
 * quiet period for Reactor Netty's event loops as they shut down (two seconds by default, after
 * the drain has left the server no connection: an old worker would linger that long). Added last,
 * so the application's own settings win.
 */
final class WorkerDefaults implements EnvironmentPostProcessor {
    static final String SOURCE = "clusterflockWorkerDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!Worker.isWorker()) {
            return;
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults(timeoutMillis())));
    }

    static Map<String, Object> defaults(long timeoutMillis) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("server.shutdown", "graceful");
        defaults.put("spring.lifecycle.timeout-per-shutdown-phase",
                ServerDrain.drainTime(java.time.Duration.ofMillis(timeoutMillis)).toMillis() + "ms");
        defaults.put("spring.reactor.netty.shutdown-quiet-period", "0s");
        return defaults;
    }

    /** The master's {@code --timeout}, as the worker library reads it, without connecting to the master yet. */
    private static long timeoutMillis() {
        String value = System.getenv("CLUSTERFLOCK_TIMEOUT_MS");
        return value == null ? 10_000 : Long.parseLong(value);
    }
}
