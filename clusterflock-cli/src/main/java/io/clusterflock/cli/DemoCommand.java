package io.clusterflock.cli;

import io.clusterflock.ClusterOptions;
import io.clusterflock.ReadyWhen;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code clusterflock demo}: a cluster of built-in hello workers, nothing else needed. */
@Command(name = "demo", mixinStandardHelpOptions = true, modelTransformer = ClusterFlags.class,
        description = "Runs the built-in hello server as the workers: each answers with its worker id and pid.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), DemoWorker.class.getName());
        ClusterOptions.Builder builder = ClusterOptions.builder().command(command).title("demo").readyWhen(ReadyWhen.LISTENING);
        return MasterRunner.run(ClusterFlags.build(spec.commandLine().getParseResult(), builder));
    }
}
