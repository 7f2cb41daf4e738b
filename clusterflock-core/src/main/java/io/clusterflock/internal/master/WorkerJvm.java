package io.clusterflock.internal.master;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.jar.JarFile;

/**
 * What a worker command that starts with the java launcher says about the JVM it starts: its JVM
 * options, class path and module path as written, and what it runs. Read from the command line
 * alone, as the launcher reads it; {@code @argfiles} are not opened (see {@link #argumentFiles}).
 *
 * @param java          the java launcher, as the command names it
 * @param options       every JVM option before what is run, {@code -cp} and its value included
 * @param launch        what is run: {@code -jar app.jar}, {@code -m module/class}, {@code --module=m},
 *                      the main class, or nothing; not the program's own arguments
 * @param classPath     the class path entries as written: {@code -cp}, else {@code -jar}'s jar,
 *                      else {@code $CLASSPATH}, else the launcher's default {@code .}; none with a main module
 * @param modulePath    the {@code --module-path} entries as written
 * @param argumentFiles whether the options read an {@code @argfile}, so the command line does not tell everything
 */
record WorkerJvm(Path java, List<String> options, List<String> launch, List<String> classPath, List<String> modulePath,
                 boolean argumentFiles) {
    /** Launcher options whose value is the next word (java.c's IsLauncherOption and IsModuleOption). */
    private static final Set<String> WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path",
            "--upgrade-module-path", "--add-modules", "--enable-native-access", "--limit-modules", "--add-exports",
            "--add-opens", "--add-reads", "--patch-module", "--source");
    private static final Set<String> CLASS_PATH = Set.of("-cp", "-classpath", "--class-path");
    private static final Set<String> MODULE_PATH = Set.of("-p", "--module-path");

    WorkerJvm {
        options = List.copyOf(options);
        launch = List.copyOf(launch);
        classPath = List.copyOf(classPath);
        modulePath = List.copyOf(modulePath);
    }

    /**
     * A variable as the workers of {@code options} will see it, known before any fork: {@code --env}
     * over the master's own environment when they inherit it.
     */
    static Function<String, String> environmentOf(io.clusterflock.ClusterOptions options) {
        return name -> options.environment().getOrDefault(name, options.inheritEnvironment() ? System.getenv(name) : null);
    }

    /** Reads {@code java args...}; {@code environment} gives the worker's variables ({@code CLASSPATH}). */
    static WorkerJvm of(Path java, List<String> args, Function<String, String> environment) {
        int end = endOfOptions(args);
        List<String> options = args.subList(0, end);
        List<String> rest = args.subList(end, args.size());
        List<String> launch = rest.isEmpty() ? List.of()
                : rest.getFirst().equals("-jar") || rest.getFirst().equals("-m") || rest.getFirst().equals("--module")
                ? rest.subList(0, Math.min(2, rest.size())) : rest.subList(0, 1);
        Optional<List<String>> classPath = valuesOf(options, CLASS_PATH).stream().reduce((first, last) -> last).map(WorkerJvm::entries);
        List<String> modulePath = valuesOf(options, MODULE_PATH).stream().flatMap(value -> entries(value).stream()).toList();
        boolean argumentFiles = options.stream().anyMatch(option -> option.startsWith("@"));
        List<String> implicit = launch.isEmpty() || launch.getFirst().startsWith("-") ? List.of()
                : classPath.or(() -> Optional.ofNullable(environment.apply("CLASSPATH")).filter(path -> !path.isEmpty())
                        .map(WorkerJvm::entries)).orElse(List.of("."));
        List<String> entries = launch.size() == 2 && launch.getFirst().equals("-jar") ? List.of(launch.get(1))
                : classPath.orElse(implicit);
        return new WorkerJvm(java, options, launch, entries, modulePath, argumentFiles);
    }

    /** The main class, {@code -jar}'s jar or the main module, as written; empty when nothing is run. */
    String main() {
        String last = launch.isEmpty() ? "" : launch.getLast();
        return last.startsWith("--module=") ? last.substring("--module=".length()) : last.startsWith("-") ? "" : last;
    }

    /** Whether it runs {@code -jar}'s jar. */
    boolean runsJar() {
        return launch.size() == 2 && launch.getFirst().equals("-jar");
    }

    /** Where the JVM options end: at {@code -jar}, {@code -m}, {@code --module} or the main class, as the launcher reads them. */
    private static int endOfOptions(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-jar") || arg.equals("-m") || arg.equals("--module") || arg.startsWith("--module=")
                    || !arg.startsWith("-") && !arg.startsWith("@")) {
                return i;
            }
            if (WITH_VALUE.contains(arg)) {
                i++;
            }
        }
        return args.size();
    }

    /** The values given to the options called {@code names}, in order: {@code -cp X} and {@code --class-path=X} alike. */
    private static List<String> valuesOf(List<String> options, Set<String> names) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            int equals = option.indexOf('=');
            if (names.contains(option) && i + 1 < options.size()) {
                values.add(options.get(++i));
            } else if (option.startsWith("--") && equals > 0 && names.contains(option.substring(0, equals))) {
                values.add(option.substring(equals + 1));
            }
        }
        return values;
    }

    /**
     * What the cache files of this program are called: its main class (a jar's {@code Main-Class},
     * so that a versioned jar name still names the same program), else its main module or jar,
     * in file-name characters.
     */
    String appName() {
        String name = main().isEmpty() ? "java" : mainClassOfJar().orElse(Path.of(main()).getFileName().toString());
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.length() > 64 ? safe.substring(safe.length() - 64) : safe;
    }

    private Optional<String> mainClassOfJar() {
        if (!runsJar()) {
            return Optional.empty();
        }
        try (JarFile jar = new JarFile(main())) {
            return Optional.ofNullable(jar.getManifest()).map(manifest -> manifest.getMainAttributes().getValue("Main-Class"))
                    .map(String::strip).filter(name -> !name.isEmpty());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static List<String> entries(String path) {
        return path.isEmpty() ? List.of() : List.of(path.split(":", -1));
    }
}
