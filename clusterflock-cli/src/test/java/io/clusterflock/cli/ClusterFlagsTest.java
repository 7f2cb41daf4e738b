package io.clusterflock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusterflock.ClusterOptions;
import io.clusterflock.internal.options.Option;
import io.clusterflock.internal.options.Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The flags of {@code run} and {@code demo} are the option table's, and reach the same builder methods. */
class ClusterFlagsTest {
    /** A value per flag that takes one; none of them is the default. */
    private static final Map<String, String> SAMPLES = Map.ofEntries(
            Map.entry("workers", "3"), Map.entry("port", "8080"), Map.entry("host", "127.0.0.1"),
            Map.entry("backlog", "64"), Map.entry("metrics", "127.0.0.1:9100"), Map.entry("timeout", "3s"), Map.entry("readyWhen", "ready"),
            Map.entry("readyTimeout", "2m"), Map.entry("readyAfter", "1500ms"), Map.entry("reloadSurge", "3"), Map.entry("ramp", "2s"), Map.entry("shutdownDelay", "5s"), Map.entry("user", "root"), Map.entry("group", "root"),
            Map.entry("respawnDelay", "250ms"), Map.entry("respawnDelayMax", "0"),
            Map.entry("env", "GREETING=hi"), Map.entry("title", "shop"), Map.entry("name", "shop-1"),
            Map.entry("logFormat", "json"), Map.entry("workerTimeout", "1.5s"), Map.entry("maxRequests", "10000"),
            Map.entry("maxRequestsJitter", "7"), Map.entry("maxRss", "1.5g"), Map.entry("memory", "1g"), Map.entry("maxRssGrace", "500ms"),
            Map.entry("maxAge", "6h"), Map.entry("warmup", "GET /items; count 5"), Map.entry("aotCache", "app.aot"),
            Map.entry("aotCacheDir", "aot"), Map.entry("http2", "false"),
            Map.entry("tlsCert", fixture("rsa-cert.pem")), Map.entry("tlsKey", fixture("rsa-key.pem")));
    /** A certificate is checked with its key: each TLS sample comes with the other half. */
    private static final Map<String, List<String>> BESIDE = Map.of(
            "tlsCert", List.of("--tls-key", fixture("rsa-key.pem")), "tlsKey", List.of("--tls-cert", fixture("rsa-cert.pem")));

    /** A self-signed test identity (copied from clusterflock-core's test resources, where its README is). */
    private static String fixture(String name) {
        try {
            return java.nio.file.Path.of(ClusterFlagsTest.class.getResource("/tls/" + name).toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Option<?>> flagged() {
        return Options.ALL.stream().filter(option -> !option.flags().isEmpty());
    }

    /** Parses {@code clusterflock run ARGS -- app} and builds its options as the command does. */
    private static ClusterOptions run(List<String> args) {
        List<String> line = new ArrayList<>(List.of("run"));
        line.addAll(args);
        line.addAll(List.of("--", "app"));
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(line.toArray(String[]::new)).subcommand();
        return ClusterFlags.build(parsed, ClusterOptions.builder().command("app"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "demo"})
    void theCommandsHaveExactlyTheTablesFlags(String name) {
        CommandSpec command = Main.commandLine().getSubcommands().get(name).getCommandSpec();
        flagged().forEach(option -> {
            for (String flag : option.flags()) {
                OptionSpec spec = command.findOption(flag);
                assertTrue(spec != null, name + " has no " + flag);
                assertEquals(ClusterFlags.description(option), spec.description()[0], flag);
                option.label().ifPresent(label -> assertEquals(label, spec.paramLabel(), flag));
            }
        });
        Set<String> fromTable = flagged().flatMap(option -> option.flags().stream()).collect(Collectors.toSet());
        Set<String> onCommand = command.options().stream().flatMap(spec -> Stream.of(spec.names()))
                .filter(flag -> !Set.of("-h", "--help", "-V", "--version").contains(flag)).collect(Collectors.toSet());
        assertEquals(fromTable, onCommand);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flagged")
    void eachFlagReachesWhatItsBuilderMethodSets(Option<?> option) {
        List<String> args = option.isSwitch() ? List.of(option.flag()) : List.of(option.flag(), SAMPLES.get(option.name()));
        List<String> withPort = new ArrayList<>(args);
        List<String> beside = BESIDE.getOrDefault(option.name(), List.of());
        withPort.addAll(beside);
        if (option != Options.PORT) {
            withPort.addAll(List.of("-p", "0")); // not $PORT
        }
        Object byFlag = option.readFrom(run(withPort));

        ClusterOptions.Builder builder = ClusterOptions.builder().command("app").port(0);
        if (!beside.isEmpty()) {
            Option<?> other = Options.ALL.stream().filter(o -> o.flags().contains(beside.getFirst())).findFirst().orElseThrow();
            setFromText(builder, other, beside.get(1));
        }
        setFromText(builder, option, option.isSwitch() ? "true" : SAMPLES.get(option.name()));
        assertEquals(option.readFrom(builder.build()), byFlag);
        assertNotEquals(option.readFrom(ClusterOptions.builder().command("app").port(0).build()), byFlag, "not the default");
    }

    private static <T> void setFromText(ClusterOptions.Builder builder, Option<T> option, String text) {
        option.set(builder, option.parse(text));
    }

    @Test
    void repeatedEnvFlagsAddVariables() {
        assertEquals(Map.of("A", "1", "B", "2=3"), run(List.of("-p", "0", "-e", "A=1", "--env", "B=2=3")).environment());
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(List.of("--respawn-delay", "2s", "--respawn-delay-max", "1ms"),
                        "--respawn-delay-max: '1ms' is not allowed; use a duration no shorter than --respawn-delay (2s), or 0 for a constant delay"),
                Arguments.of(List.of("--prefix-output", "--silent"), "--prefix-output and --silent cannot be combined; use one of them"),
                Arguments.of(List.of("--log-format", "xml"), "--log-format: 'xml' is not allowed; use text or json"),
                Arguments.of(List.of("-w", "0"), "--workers: '0' is not allowed; use a whole number from 1 to 1024"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refusals")
    void refusalsNameTheFlags(List<String> args, String message) {
        List<String> withPort = new ArrayList<>(args);
        withPort.addAll(List.of("-p", "0"));
        assertEquals(message, assertThrows(OperatorError.class, () -> run(withPort)).getMessage());
    }

    @Test
    void theHelpFooterHasOneSignalPerLine() {
        String usage = Main.commandLine().getSubcommands().get("run").getUsageMessage(CommandLine.Help.Ansi.OFF);
        List<String> footer = usage.lines().dropWhile(line -> !line.equals("Signals to the master:")).skip(1).toList();
        assertEquals(List.of("TERM", "INT", "HUP", "USR2", "TTIN", "TTOU"),
                footer.stream().map(line -> line.strip().split(" ")[0]).toList(), usage);
        usage.lines().forEach(line -> assertTrue(line.length() <= 80, "wider than the terminal: " + line));
    }
}
