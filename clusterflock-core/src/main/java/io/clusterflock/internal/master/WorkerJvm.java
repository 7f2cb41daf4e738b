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
 * @param options       every JVM option before the main class, {@code -cp} and its value included
 * @param classPath     the class path entries as written: {@code -cp}, else {@code -jar}'s jar,
 *                      else {@code $CLASSPATH}, else the launcher's default {@code .}; none with a main module
 * @param modulePath    the {@code --module-path} entries as written
 * @param main          the main class, {@code -jar}'s jar or the main module, as written
 * @param argumentFiles whether the options read an {@code @argfile}, so the command line does not tell everything
 */
record WorkerJvm(Path java, List<String> options, List<String> classPath, List<String> modulePath, String main,
                 boolean argumentFiles) {
    /** Launcher options whose value is the next word (java.c's IsLauncherOption and IsModuleOption). */
    private static final Set<String> WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path",
            "--upgrade-module-path", "--add-modules", "--enable-native-access", "--limit-modules", "--add-exports",
            "--add-opens", "--add-reads", "--patch-module", "--source");

    WorkerJvm {
        options = List.copyOf(options);
        classPath = List.copyOf(classPath);
        modulePath = List.copyOf(modulePath);
    }

    /** Reads {@code java args...}; {@code environment} gives the worker's variables ({@code CLASSPATH}). */
    static WorkerJvm of(Path java, List<String> args, Function<String, String> environment) {
        List<String> options = new ArrayList<>();
        Optional<String> classPath = Optional.empty();
        List<String> modulePath = new ArrayList<>();
        boolean argumentFiles = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-jar") && i + 1 < args.size()) {
                options.add(arg);
                String jar = args.get(i + 1);
                return new WorkerJvm(java, options, List.of(jar), modulePath, jar, argumentFiles);
            }
            if ((arg.equals("-m") || arg.equals("--module")) && i + 1 < args.size()) {
                return new WorkerJvm(java, options, classPath.map(WorkerJvm::entries).orElse(List.of()), modulePath,
                        args.get(i + 1), argumentFiles);
            }
            if (arg.startsWith("--module=")) {
                return new WorkerJvm(java, options, classPath.map(WorkerJvm::entries).orElse(List.of()), modulePath,
                        arg.substring("--module=".length()), argumentFiles);
            }
            if (!arg.startsWith("-") && !arg.startsWith("@")) {
                List<String> implicit = classPath.map(WorkerJvm::entries)
                        .or(() -> Optional.ofNullable(environment.apply("CLASSPATH")).filter(cp -> !cp.isEmpty()).map(WorkerJvm::entries))
                        .orElse(List.of("."));
                return new WorkerJvm(java, options, implicit, modulePath, arg, argumentFiles);
            }
            options.add(arg);
            argumentFiles |= arg.startsWith("@");
            Optional<String> value = Optional.empty();
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (WITH_VALUE.contains(arg) && i + 1 < args.size()) {
                value = Optional.of(args.get(++i));
                options.add(value.get());
            } else if (arg.startsWith("--") && arg.contains("=")) {
                value = Optional.of(arg.substring(arg.indexOf('=') + 1));
            }
            switch (name) {
                case "-cp", "-classpath", "--class-path" -> classPath = value.or(() -> Optional.of(""));
                case "-p", "--module-path" -> value.ifPresent(v -> modulePath.addAll(entries(v)));
                default -> { }
            }
        }
        return new WorkerJvm(java, options, classPath.map(WorkerJvm::entries).orElse(List.of()), modulePath, "", argumentFiles);
    }

    /** The worker's class path entries, as written (the command line's class path, when it has one). */
    static List<String> classPath(List<String> args) {
        return of(Path.of("java"), args, name -> null).classPath();
    }

    /**
     * What the cache files of this program are called: its main class (a jar's {@code Main-Class},
     * so that a versioned jar name still names the same program), else its main module or jar,
     * in file-name characters.
     */
    String appName() {
        String name = main.isEmpty() ? "java" : mainClassOfJar().orElse(Path.of(main).getFileName().toString());
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.length() > 64 ? safe.substring(safe.length() - 64) : safe;
    }

    private Optional<String> mainClassOfJar() {
        if (!options.contains("-jar")) {
            return Optional.empty();
        }
        try (JarFile jar = new JarFile(main)) {
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
