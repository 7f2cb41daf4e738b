package io.clusterflock.internal.master;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.jar.JarFile;

/**
 * Whether a JVM worker carries a library that reports its own readiness, such as
 * {@code clusterflock-spring-boot}: then, under the default {@code --ready-when started}, staying
 * up {@code --ready-after} does not make it ready, only its own word does. A JVM cannot say so
 * itself before its application code runs, seconds after the fork for Spring, so the master looks
 * at the jars: one holding {@link #MARKER}, or a Spring Boot executable jar nesting the library.
 * Each jar is read once per size and modification time.
 */
final class SelfReadyingJars {
    /** The resource a library that reports readiness ships. */
    static final String MARKER = "META-INF/clusterflock/reports-readiness";
    /** How a Spring Boot executable jar or war nests its dependencies. */
    private static final List<String> NESTED = List.of("BOOT-INF/lib/clusterflock-spring-boot-", "WEB-INF/lib/clusterflock-spring-boot-");

    private record Version(long size, long modifiedMillis) { }

    private final Map<Path, Map.Entry<Version, Boolean>> known = new HashMap<>();

    /** Whether the worker {@code java args...} (the java launcher) runs such a library. */
    synchronized boolean carried(Path java, List<String> args, Function<String, String> environment) {
        for (String entry : WorkerJvm.of(java, args, environment).classPath()) {
            try {
                for (Path path : BuildKey.jarsOf(entry)) {
                    if (Files.isDirectory(path) ? Files.exists(path.resolve(MARKER)) : inJar(path)) {
                        return true;
                    }
                }
            } catch (IOException e) {
                // unreadable: the JVM will say so; no marker known
            }
        }
        return false;
    }

    private boolean inJar(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            return false;
        }
        Version version = new Version(Files.size(jar), Files.getLastModifiedTime(jar).toMillis());
        Map.Entry<Version, Boolean> memo = known.get(jar);
        if (memo != null && memo.getKey().equals(version)) {
            return memo.getValue();
        }
        boolean found = false;
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            found = file.getEntry(MARKER) != null
                    || file.stream().anyMatch(e -> NESTED.stream().anyMatch(e.getName()::startsWith));
        } catch (IOException | SecurityException e) {
            // not a jar the JVM can read either
        }
        known.put(jar, Map.entry(version, found));
        return found;
    }
}
