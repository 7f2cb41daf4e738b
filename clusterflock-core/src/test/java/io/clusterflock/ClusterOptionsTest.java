package io.clusterflock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.internal.options.Option;
import io.clusterflock.internal.options.Options;
import io.clusterflock.internal.options.Spelling;
import io.clusterflock.internal.util.Durations;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.clusterflock.internal.tls.TestIdentities;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The option table is the one declaration: every option an operator writes is reachable by a
 * flag, a property and the builder, and every refusal names the option as it was written.
 */
class ClusterOptionsTest {
    /** Options only code can set: a command is positional on the command line, the rest are Java objects or code's choices. */
    private static final Set<String> API_ONLY = Set.of("command", "inheritEnvironment", "signals", "logger");
    /** A secret is never a flag nor a property (both show in ps): only the environment and code set it. */
    private static final Set<String> ENVIRONMENT_ONLY = Set.of("tlsPassword");

    /** A text per option, as an operator writes it, and what its accessor then answers; none of them is the default. */
    private static final Map<String, Sample> SAMPLES = Map.ofEntries(
            sample("workers", "3", 3),
            sample("port", "8080", 8080),
            sample("host", "127.0.0.1", "127.0.0.1"),
            sample("backlog", "64", 64),
            sample("sticky", "true", true),
            sample("metrics", "127.0.0.1:9100", Optional.of(new InetSocketAddress("127.0.0.1", 9100))),
            // A certificate is checked with its key: each sample sets the other half first.
            sample("tlsCert", TestIdentities.file("rsa-cert.pem").toString(), TestIdentities.file("rsa-cert.pem"),
                    builder -> builder.tlsKey(TestIdentities.file("rsa-key.pem"))),
            sample("tlsKey", TestIdentities.file("rsa-key.pem").toString(), TestIdentities.file("rsa-key.pem"),
                    builder -> builder.tlsCert(TestIdentities.file("rsa-cert.pem"))),
            sample("tlsPassword", "secret", "secret"),
            sample("http2", "false", false),
            sample("memory", "75%", MemoryBudget.percent(75)),
            sample("timeout", "3s", Duration.ofSeconds(3)),
            sample("readyWhen", "LISTENING", ReadyWhen.LISTENING),
            sample("readyTimeout", "2m", Duration.ofMinutes(2)),
            sample("readyAfter", "1500ms", Duration.ofMillis(1500)),
            sample("reloadSurge", "3", 3),
            sample("ramp", "2s", Duration.ofSeconds(2)),
            sample("shutdownDelay", "5s", Duration.ofSeconds(5)),
            sample("user", "root", "root"),   // the tests run as root, the only master that may switch users
            sample("group", "root", "root"),
            sample("respawnDelay", "250ms", Duration.ofMillis(250)),
            sample("respawnDelayMax", "0", Duration.ZERO),
            sample("env", "GREETING=a=b", Map.of("GREETING", "a=b")),
            sample("title", "shop", "shop"),
            sample("name", "shop-1", "shop-1"),
            sample("prefixOutput", "true", true),
            sample("silent", "", true),
            sample("logFormat", "json", LogFormat.JSON),
            sample("workerTimeout", "1.5s", Duration.ofMillis(1500)),
            sample("maxRequests", "10000", 10_000L),
            sample("maxRequestsJitter", "7", 7L),
            sample("maxRss", "1.5g", 3L << 29),
            sample("maxRssGrace", "500ms", Duration.ofMillis(500)),
            sample("maxAge", "6h", Duration.ofHours(6)),
            sample("warmup", "post /orders; count 5; header Content-Type: application/json; body {\"a\": 1}",
                    List.of(Warmup.request("POST", "/orders").times(5).header("Content-Type", "application/json").body("{\"a\": 1}"))),
            sample("aotCache", "app.aot", AotCacheMode.file(Path.of("app.aot").toAbsolutePath())),
            sample("aotCacheDir", "aot", Path.of("aot").toAbsolutePath()));

    /** {@code base}: what the sample needs beside it. */
    private record Sample(String text, Object expected, UnaryOperator<ClusterOptions.Builder> base) { }

    private static Map.Entry<String, Sample> sample(String option, String text, Object expected) {
        return sample(option, text, expected, UnaryOperator.identity());
    }

    private static Map.Entry<String, Sample> sample(String option, String text, Object expected,
                                                    UnaryOperator<ClusterOptions.Builder> base) {
        return Map.entry(option, new Sample(text, expected, base));
    }

    private static ClusterOptions.Builder app() {
        return ClusterOptions.builder().command("app").port(0);
    }

    private static Properties properties(String... pairs) {
        Properties properties = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            properties.setProperty(pairs[i], pairs[i + 1]);
        }
        return properties;
    }

    private static ClusterOptions withProperties(ClusterOptions.Builder builder, String... pairs) {
        SystemPropertyOptions.apply(builder, properties(pairs));
        return builder.build(variable -> null);
    }

    private static OptionException refusal(Runnable build) {
        return assertThrows(OptionException.class, build::run);
    }

    private static Stream<Option<?>> textOptions() {
        return Options.ALL.stream().filter(option -> !API_ONLY.contains(option.name()));
    }

    @Test
    void everyOptionAnOperatorWritesHasAFlagAPropertyAndABuilderMethod() {
        Set<String> builderMethods = Arrays.stream(ClusterOptions.Builder.class.getMethods())
                .filter(method -> Modifier.isPublic(method.getModifiers())).map(Method::getName).collect(Collectors.toSet());
        for (Option<?> option : Options.ALL) {
            assertTrue(builderMethods.contains(option.name()), option + ": no builder method of that name");
            if (API_ONLY.contains(option.name())) {
                assertEquals(List.of(), option.flags(), option + " is only for code");
                assertEquals(Optional.empty(), option.property(), option + " is only for code");
                continue;
            }
            assertTrue(option.readsText(), option + " reads no text");
            if (ENVIRONMENT_ONLY.contains(option.name())) {
                assertEquals(List.of(), option.flags(), option + " is a secret");
                assertEquals(Optional.empty(), option.property(), option + " is a secret");
                assertTrue(option.environment().isPresent(), option + ": no variable");
                continue;
            }
            assertTrue(option.flag().startsWith("--"), option + ": no long flag");
            assertEquals(option.isSwitch(), option.label().isEmpty(), option + ": a flag with a value has a label");
            assertTrue(option.defaultText().isPresent() || option.repeatable(), option + ": no default for the help");
            assertTrue(option.repeatable() || option.property().isPresent(), option + ": a property, unless repeatable");
            assertTrue(option.help().length() > 10, option + ": no help");
        }
        assertEquals(textOptions().map(Option::name).collect(Collectors.toSet()), SAMPLES.keySet(),
                "every option an operator writes has a sample below");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("textOptions")
    void eachOptionIsReachedByItsTextAndByItsBuilderMethod(Option<?> option) {
        Sample sample = SAMPLES.get(option.name());
        assertNotEquals(sample.expected(), option.readFrom(app().build()), "the sample is not the default");

        ClusterOptions.Builder fromText = sample.base().apply(app());
        setFromText(fromText, option, sample.text()); // what the command line does with a flag's value
        assertEquals(sample.expected(), option.readFrom(fromText.build()), "as text");

        option.property().ifPresent(property -> assertEquals(sample.expected(),
                option.readFrom(withProperties(sample.base().apply(app()), property, sample.text())), property));
    }

    private static <T> void setFromText(ClusterOptions.Builder builder, Option<T> option, String text) {
        option.set(builder, option.parse(text));
    }

    static Stream<Arguments> refusals() {
        Supplier<ClusterOptions.Builder> app = ClusterOptionsTest::app;
        return Stream.of(
                // the Java API: builder names
                Arguments.of((Runnable) () -> app.get().workers(0).build(),
                        "workers: '0' is not allowed; use a whole number from 1 to 1024",
                        "--workers: '0' is not allowed; use a whole number from 1 to 1024"),
                Arguments.of((Runnable) () -> ClusterOptions.builder().port(0).build(),
                        "command: '' is not allowed; use a program to run as each worker",
                        "COMMAND: '' is not allowed; use a program to run as each worker"),
                Arguments.of((Runnable) () -> app.get().timeout(Duration.ofSeconds(-1)).build(),
                        "timeout: '-1s' is not allowed; use a duration of 0 or more, such as 500ms, 10s or 2m",
                        "--timeout: '-1s' is not allowed; use a duration of 0 or more, such as 500ms, 10s or 2m"),
                Arguments.of((Runnable) () -> app.get().respawnDelay(Duration.ofSeconds(2)).respawnDelayMax(Duration.ofMillis(1)).build(),
                        "respawnDelayMax: '1ms' is not allowed; use a duration no shorter than respawnDelay (2s), or 0 for a constant delay",
                        "--respawn-delay-max: '1ms' is not allowed; use a duration no shorter than --respawn-delay (2s), or 0 for a constant delay"),
                Arguments.of((Runnable) () -> app.get().respawnDelay(Duration.ofMinutes(1)).build(),
                        "respawnDelay: '1m' is not allowed; use a duration no longer than respawnDelayMax (30s), or raise respawnDelayMax too",
                        "--respawn-delay: '1m' is not allowed; use a duration no longer than --respawn-delay-max (30s), or raise --respawn-delay-max too"),
                Arguments.of((Runnable) () -> app.get().tls(TestIdentities.file("rsa-cert.pem"), TestIdentities.file("other-key.pem")).build(),
                        "tlsKey '" + TestIdentities.file("other-key.pem") + "' is not the private key of the certificate CN=rsa.example",
                        "--tls-key '" + TestIdentities.file("other-key.pem") + "' is not the private key of the certificate CN=rsa.example"),
                Arguments.of((Runnable) () -> app.get().prefixOutput(true).silent(true).build(),
                        "prefixOutput and silent cannot be combined; use one of them",
                        "--prefix-output and --silent cannot be combined; use one of them"),
                Arguments.of((Runnable) () -> app.get().env("A=B", "c").build(),
                        "env: 'A=B=c' is not allowed; use NAME=VALUE with a name that has no '='",
                        "--env: 'A=B=c' is not allowed; use NAME=VALUE with a name that has no '='"),
                Arguments.of((Runnable) () -> setFromText(app.get(), Options.WORKERS, "many"),
                        "workers: 'many' is not allowed; use a whole number from 1 to 1024",
                        "--workers: 'many' is not allowed; use a whole number from 1 to 1024"),
                Arguments.of((Runnable) () -> setFromText(app.get(), Options.LOG_FORMAT, "xml"),
                        "logFormat: 'xml' is not allowed; use text or json",
                        "--log-format: 'xml' is not allowed; use text or json"),
                Arguments.of((Runnable) () -> app.get().metrics("::1:9100"),
                        "metrics: '::1:9100' is not allowed; use " + METRICS_FORMS,
                        "--metrics: '::1:9100' is not allowed; use " + METRICS_FORMS),
                Arguments.of((Runnable) () -> withProperties(app.get(), "clusterflock.metrics", "9100:localhost"),
                        "-Dclusterflock.metrics: '9100:localhost' is not allowed; use " + METRICS_FORMS, null),
                Arguments.of((Runnable) () -> setFromText(app.get(), Options.ENV, "NO_EQUALS_SIGN"),
                        "env: 'NO_EQUALS_SIGN' is not allowed; use NAME=VALUE with a name that has no '='",
                        "--env: 'NO_EQUALS_SIGN' is not allowed; use NAME=VALUE with a name that has no '='"),
                // system properties: property names, also for the option a rule compares with
                Arguments.of((Runnable) () -> withProperties(app.get(), "clusterflock.workers", "many"),
                        "-Dclusterflock.workers: 'many' is not allowed; use a whole number from 1 to 1024", null),
                Arguments.of((Runnable) () -> withProperties(app.get(), "clusterflock.workers", "0"),
                        "-Dclusterflock.workers: '0' is not allowed; use a whole number from 1 to 1024", null),
                Arguments.of((Runnable) () -> withProperties(app.get(), "clusterflock.respawnDelay", "2s", "clusterflock.respawnDelayMax", "1ms"),
                        "-Dclusterflock.respawnDelayMax: '1ms' is not allowed; use a duration no shorter than -Dclusterflock.respawnDelay (2s), "
                                + "or 0 for a constant delay", null),
                Arguments.of((Runnable) () -> withProperties(app.get().respawnDelayMax(Duration.ofSeconds(1)), "clusterflock.respawnDelay", "2s"),
                        "-Dclusterflock.respawnDelay: '2s' is not allowed; use a duration no longer than -Dclusterflock.respawnDelayMax (1s), "
                                + "or raise -Dclusterflock.respawnDelayMax too", null),
                Arguments.of((Runnable) () -> withProperties(app.get().prefixOutput(true), "clusterflock.silent", "true"),
                        "-Dclusterflock.silent and -Dclusterflock.prefixOutput cannot be combined; use one of them", null),
                Arguments.of((Runnable) () -> withProperties(app.get(), "clusterflock.silent", "yes"),
                        "-Dclusterflock.silent: 'yes' is not allowed; use true or false", null),
                // the environment: $PORT
                Arguments.of((Runnable) () -> ClusterOptions.builder().command("app").build(Map.of("PORT", "http")::get),
                        "$PORT: 'http' is not allowed; use a port number from 0 to 65535", null),
                Arguments.of((Runnable) () -> ClusterOptions.builder().command("app").build(Map.of("PORT", "70000")::get),
                        "$PORT: '70000' is not allowed; use a port number from 0 to 65535", null));
    }

    /**
     * {@code asFlags}: the message as the command line shows it, which names its flags; null where
     * the operator wrote a property or a variable, whose message the command line keeps as it is.
     */
    @ParameterizedTest(name = "{1}")
    @MethodSource("refusals")
    void refusalsNameTheOptionAsItWasWritten(Runnable build, String message, String asFlags) {
        OptionException refused = refusal(build);
        assertEquals(message, refused.getMessage());
        assertEquals(asFlags == null ? message : asFlags, refused.describeAs(Spelling.FLAG));
        assertTrue(Options.named(refused.option()).isPresent(), refused.option());
    }

    @Test
    void anUnknownPropertyIsRefusedWithTheListOfKnownOnes() {
        OptionException refused = refusal(() -> withProperties(app(), "clusterflock.wrokers", "2"));
        String message = refused.getMessage();
        assertTrue(message.startsWith("-Dclusterflock.wrokers: no such option; use one of -Dclusterflock.aotCache, "
                + "-Dclusterflock.aotCacheDir, -Dclusterflock.backlog, "), message);
        textOptions().flatMap(option -> option.property().stream())
                .forEach(property -> assertTrue(message.contains("-D" + property), property + " missing from: " + message));
        assertTrue(!message.contains("\n"), "one line");
    }

    private static final String METRICS_FORMS = "HOST:PORT, [IPv6]:PORT, or :PORT for every interface, with a port from 0 to 65535";

    @Test
    void aMetricsAddressIsHostAndPortOrAPortOnEveryInterface() throws Exception {
        assertEquals(Optional.empty(), app().build().metrics(), "off by default");
        assertEquals(new InetSocketAddress(9100), Options.METRICS.parse("9100"));
        assertEquals(new InetSocketAddress(9100), Options.METRICS.parse(":9100"));
        assertEquals(new InetSocketAddress(9100), Options.METRICS.parse("*:9100"));
        assertEquals(new InetSocketAddress(java.net.InetAddress.ofLiteral("::1"), 0), Options.METRICS.parse("[::1]:0"));
        InetSocketAddress named = Options.METRICS.parse("metrics.example:9100");
        assertTrue(named.isUnresolved(), "a host name is looked up when it is bound, not when options are read");
        assertEquals("metrics.example", named.getHostString());
        for (String written : List.of("127.0.0.1:9100", "*:9100", "[::1]:9100", "metrics.example:9100")) {
            assertEquals(written, Options.METRICS.write(Options.METRICS.parse(written)), "written back as read");
        }
        for (String bad : List.of("", "localhost", "127.0.0.1:", "127.0.0.1:70000", ":-1", "::1:9100", "[127.0.0.1]:80",
                "[::1", "a host:80", "+80")) {
            assertEquals("metrics: '" + bad + "' is not allowed; use " + METRICS_FORMS,
                    refusal(() -> Options.METRICS.parse(bad)).getMessage());
        }
        assertEquals(Optional.empty(), app().metrics(":9100").metrics((InetSocketAddress) null).build().metrics(), "null: off");
    }

    @Test
    void aRespawnDelayMaxOfZeroMeansAConstantDelay() {
        assertEquals(Duration.ZERO, app().respawnDelay(Duration.ofSeconds(5)).respawnDelayMax(Duration.ZERO).build().respawnDelayMax());
        ClusterOptions fromProperties = withProperties(app(), "clusterflock.respawnDelay", "5s", "clusterflock.respawnDelayMax", "0");
        assertEquals(Duration.ofSeconds(5), fromProperties.respawnDelay());
        assertEquals(Duration.ZERO, fromProperties.respawnDelayMax());
        assertEquals(Duration.ZERO, Options.RESPAWN_DELAY_MAX.parse("0"));
    }

    @Test
    void systemPropertiesOverrideTheCodeAndLeaveTheRest() {
        ClusterOptions options = withProperties(app().workers(2).backlog(64), "clusterflock.workers", "7",
                "clusterflock.timeout", "3s", "unrelated", "x");
        assertEquals(7, options.workers());
        assertEquals(Duration.ofSeconds(3), options.timeout());
        assertEquals(64, options.backlog());
    }

    @Test
    void portComesFromThePortVariableUnlessSet() {
        assertEquals(8080, ClusterOptions.builder().command("app").build(Map.of("PORT", "8080")::get).port());
        assertEquals(1, ClusterOptions.builder().command("app").port(1).build(Map.of("PORT", "8080")::get).port());
        assertEquals(5000, ClusterOptions.builder().command("app").build(variable -> null).port());
    }

    @Test
    void aSocketPassedBySystemdLeavesNoAddressToChoose() {
        String self = Long.toString(ProcessHandle.current().pid());
        Map<String, String> passed = Map.of("LISTEN_PID", self, "LISTEN_FDS", "1");
        assertEquals("port conflicts with the socket systemd passed (LISTEN_FDS): the .socket unit says where to listen; leave it out",
                assertThrows(OptionException.class, () -> ClusterOptions.builder().command("app").port(8080).build(passed::get)).getMessage());
        Map<String, String> withPort = Map.of("LISTEN_PID", self, "LISTEN_FDS", "1", "PORT", "8080");
        assertEquals("$PORT conflicts with the socket systemd passed (LISTEN_FDS): the .socket unit says where to listen; leave it out",
                assertThrows(OptionException.class, () -> ClusterOptions.builder().command("app").build(withPort::get)).getMessage());
        OptionException both = assertThrows(OptionException.class,
                () -> ClusterOptions.builder().command("app").port(8080).host("::1").build(passed::get));
        assertEquals("--port and --host conflict with the socket systemd passed (LISTEN_FDS): the .socket unit says where to listen; leave them out",
                both.describeAs(o -> "--" + o));
        assertEquals("sticky needs a socket per worker, which the master opens itself; it cannot serve the one socket systemd passed (LISTEN_FDS)",
                assertThrows(OptionException.class, () -> ClusterOptions.builder().command("app").sticky(true).build(passed::get)).getMessage());
        assertEquals(0, ClusterOptions.builder().command("app").port(0).build(Map.of("LISTEN_PID", Long.toString(ProcessHandle.current().pid() + 1), "LISTEN_FDS", "1")::get).port(),
                "variables meant for another process are not ours");
    }

    @Test
    void defaultsThatDependOnOtherOptions() {
        ClusterOptions options = ClusterOptions.builder().command("/usr/bin/python3", "app.py").port(0).maxRequests(1000).build();
        assertEquals("python3", options.title());
        assertEquals(100, options.maxRequestsJitter());
        assertEquals("app", ClusterOptions.builder().command("app").port(0).title("shop").title(null).build().title(),
                "null: back to the default");
    }

    @Test
    void theEventLoggerIsTheClusterflockLoggerUnlessSetOrTurnedOff() {
        assertEquals("io.clusterflock", app().build().logger().orElseThrow().getName());
        assertEquals(Optional.empty(), app().logger(null).build().logger());
        System.Logger mine = System.getLogger("mine");
        assertSame(mine, app().logger(mine).build().logger().orElseThrow());
        assertEquals(LogFormat.TEXT, app().build().logFormat());
        assertEquals(LogFormat.JSON, app().logFormat(LogFormat.JSON).build().logFormat());
    }

    @Test
    void anAotCacheIsAutomaticByDefaultOffOrAFileInADirectoryThatExists(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-dir").resolve("app.aot");
        assertEquals("aotCache: '" + missing + "' is not allowed; use a file in an existing directory",
                refusal(() -> app().aotCache(missing).build()).getMessage());
        assertEquals("aotCache: '" + dir + "' is not allowed; use a file, not a directory",
                refusal(() -> app().aotCache(dir).build()).getMessage());
        assertEquals(AotCacheMode.file(dir.resolve("app.aot")),
                withProperties(app(), "clusterflock.aotCache", dir.resolve("app.aot").toString()).aotCache());
        assertEquals(AotCacheMode.file(Path.of("app.aot").toAbsolutePath()), app().aotCache(Path.of("app.aot")).build().aotCache(),
                "a relative file is taken from the master's working directory");
        assertEquals(AotCacheMode.automatic(), app().build().aotCache());
        assertEquals(AotCacheMode.off(), withProperties(app(), "clusterflock.aotCache", "off").aotCache());
        assertEquals(AotCacheMode.automatic(), withProperties(app().aotCache(AotCacheMode.off()), "clusterflock.aotCache", "auto").aotCache());
        assertEquals(AotCacheMode.file(Path.of("off").toAbsolutePath()),
                withProperties(app(), "clusterflock.aotCache", "./off").aotCache(), "a file named off");
        Path file = writeFile(dir.resolve("a-file"));
        assertEquals("aotCacheDir: '" + file + "' is not allowed; use a directory",
                refusal(() -> app().aotCacheDir(file).build()).getMessage());
    }

    private static Path writeFile(Path file) {
        try {
            return java.nio.file.Files.writeString(file, "not a directory");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void durationsReadAsOperatorsWriteThem() {
        assertEquals(Duration.ofMillis(500), Durations.parse("timeout", "500ms"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("timeout", "10"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("timeout", "1.5s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("timeout", "2m"));
        assertEquals("timeout: 'soon' is not allowed; use a duration of 0 or more, such as 500ms, 10s or 2m",
                refusal(() -> Options.TIMEOUT.parse("soon")).getMessage());
        assertEquals("10s", Durations.format(Duration.ofSeconds(10)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    }
}
