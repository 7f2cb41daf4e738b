package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding, in a JVM worker's class path, a library that reports the worker's readiness. */
class SelfReadyingJarsTest {
    private static final Path JAVA = Path.of("/usr/bin/java");

    @TempDir
    Path dir;

    private final SelfReadyingJars jars = new SelfReadyingJars();

    @Test
    void aJarWithTheMarkerOnTheClassPath() throws IOException {
        Path plain = jar("app.jar", "app/Main.class");
        Path library = jar("library.jar", SelfReadyingJars.MARKER);
        assertFalse(carried("-cp", plain.toString(), "app.Main"));
        assertTrue(carried("-cp", plain + ":" + library, "app.Main"));
        assertTrue(carried("-cp", dir + "/*", "app.Main"), "a directory's jars, as the launcher expands dir/*");
    }

    @Test
    void aSpringBootExecutableJarNestingTheLibrary() throws IOException {
        Path boot = jar("boot.jar", "BOOT-INF/lib/spring-web-7.0.1.jar", "BOOT-INF/lib/clusterflock-spring-boot-0.1.0.jar");
        Path other = jar("other.jar", "BOOT-INF/lib/spring-web-7.0.1.jar");
        assertTrue(carried("-Xmx256m", "-jar", boot.toString()));
        assertFalse(carried("-jar", other.toString()));
    }

    @Test
    void anExplodedDirectoryWithTheMarker() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes/META-INF/clusterflock")).getParent().getParent();
        assertFalse(carried("-cp", classes.toString(), "app.Main"));
        Files.writeString(classes.resolve(SelfReadyingJars.MARKER), "");
        assertTrue(carried("-cp", classes.toString(), "app.Main"));
    }

    @Test
    void whatCannotBeReadCarriesNothing() {
        assertFalse(carried("-jar", dir.resolve("missing.jar").toString()));
        assertFalse(carried("-version"));
    }

    private boolean carried(String... args) {
        return jars.carried(JAVA, List.of(args), Map.<String, String>of()::get);
    }

    private Path jar(String name, String... entries) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (String entry : entries) {
                out.putNextEntry(new JarEntry(entry));
                out.closeEntry();
            }
        }
        return jar;
    }
}
