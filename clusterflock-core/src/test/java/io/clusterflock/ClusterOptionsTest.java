package io.clusterflock;

import io.clusterflock.internal.util.Durations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refused value names the option, the value and what is allowed, in one line. */
class ClusterOptionsTest {

    private static String refusal(Runnable build) {
        return assertThrows(OptionException.class, build::run).getMessage();
    }

    @Test
    void refusedValuesNameTheOptionTheValueAndWhatIsAllowed() {
        assertEquals("workers: '0' is not allowed; use a whole number from 1 to 1024",
                refusal(() -> ClusterOptions.builder().command("app").workers(0).build()));
        assertEquals("port: '70000' is not allowed; use a port number from 0 to 65535",
                refusal(() -> ClusterOptions.builder().command("app").port(70000).build()));
        assertEquals("timeout: '-1s' is not allowed; use a duration of 0 or more, e.g. 10s",
                refusal(() -> ClusterOptions.builder().command("app").port(0).timeout(Duration.ofSeconds(-1)).build()));
        assertEquals("command: '' is not allowed; use a program to run as each worker",
                refusal(() -> ClusterOptions.builder().port(0).build()));
        assertEquals("respawnDelayMax: '50ms' is not allowed; use a duration no shorter than respawnDelay (100ms)",
                refusal(() -> ClusterOptions.builder().command("app").port(0).respawnDelayMax(Duration.ofMillis(50)).build()));
    }

    @Test
    void anAotCacheIsAFileInADirectoryThatExists(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-dir").resolve("app.aot");
        assertEquals("aotCache: '" + missing + "' is not allowed; use a file in an existing directory",
                refusal(() -> ClusterOptions.builder().command("app").port(0).aotCache(missing).build()));
        assertEquals("aotCache: '" + dir + "' is not allowed; use a file, not a directory",
                refusal(() -> ClusterOptions.builder().command("app").port(0).aotCache(dir).build()));

        Properties properties = new Properties();
        properties.setProperty("clusterflock.aotCache", dir.resolve("app.aot").toString());
        ClusterOptions.Builder builder = ClusterOptions.builder().command("app").port(0);
        SystemPropertyOptions.apply(builder, properties);
        assertEquals(dir.resolve("app.aot"), builder.build().aotCache());
        assertEquals(Path.of("app.aot").toAbsolutePath(),
                ClusterOptions.builder().command("app").port(0).aotCache(Path.of("app.aot")).build().aotCache(),
                "a relative file is taken from the master's working directory");
    }

    @Test
    void durationsReadAsOperatorsWriteThem() {
        assertEquals(Duration.ofMillis(500), Durations.parse("timeout", "500ms"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("timeout", "10"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("timeout", "1.5s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("timeout", "2m"));
        assertEquals("timeout: 'soon' is not allowed; use a duration such as 500ms, 10s, 2m or 1h",
                refusal(() -> Durations.parse("timeout", "soon")));
        assertEquals("10s", Durations.format(Duration.ofSeconds(10)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    }

    @Test
    void systemPropertiesOverrideTheCodeAndNameThemselvesWhenWrong() {
        Properties properties = new Properties();
        properties.setProperty("clusterflock.workers", "7");
        properties.setProperty("clusterflock.timeout", "3s");
        properties.setProperty("unrelated", "x");
        ClusterOptions.Builder builder = ClusterOptions.builder().command("app").port(0).workers(2);
        SystemPropertyOptions.apply(builder, properties);
        ClusterOptions options = builder.build();
        assertEquals(7, options.workers());
        assertEquals(Duration.ofSeconds(3), options.timeout());

        Properties bad = new Properties();
        bad.setProperty("clusterflock.workers", "many");
        assertEquals("-Dclusterflock.workers: 'many' is not allowed; use a whole number",
                refusal(() -> SystemPropertyOptions.apply(ClusterOptions.builder(), bad)));
        Properties unknown = new Properties();
        unknown.setProperty("clusterflock.wrokers", "2");
        String message = refusal(() -> SystemPropertyOptions.apply(ClusterOptions.builder(), unknown));
        assertEquals(true, message.startsWith("-Dclusterflock.wrokers: '2' is not allowed; use one of -Dclusterflock."), message);
    }
}
