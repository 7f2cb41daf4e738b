package io.clusterflock.internal.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A java command line read as the launcher reads it: options, class path, module path, what it runs. */
class WorkerJvmTest {
    private static final Path JAVA = Path.of("/jdk/bin/java");

    private static WorkerJvm read(String... args) {
        return WorkerJvm.of(JAVA, List.of(args), name -> null);
    }

    @Test
    void theClassPathIsTheOptionsOrTheJarOrClasspathOrTheWorkingDirectory() {
        assertEquals(List.of("a.jar", "b.jar"), read("-Xmx1g", "-cp", "a.jar:b.jar", "App", "-cp", "x").classPath());
        assertEquals(List.of("a.jar", "b.jar"), read("--class-path=a.jar:b.jar", "App").classPath());
        assertEquals(List.of("app.jar"), read("-jar", "app.jar", "-cp", "x").classPath(), "what follows the jar is the program's");
        assertEquals(List.of("env.jar"), WorkerJvm.of(JAVA, List.of("App"), Map.of("CLASSPATH", "env.jar")::get).classPath());
        assertEquals(List.of("."), read("App").classPath(), "the launcher's default");
        assertEquals(List.of(), read("-p", "mods", "-m", "app/app.Main").classPath());
        assertEquals(List.of("mods", "more"), read("--module-path", "mods:more", "--module=app").modulePath());
    }

    @Test
    void optionsAreEverythingBeforeTheMainClassWithTheirValues() {
        WorkerJvm jvm = read("-XX:+UseSerialGC", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", "a.jar", "App", "-Xmx1g");

        assertEquals(List.of("-XX:+UseSerialGC", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", "a.jar"), jvm.options());
        assertEquals("App", jvm.main());
        assertFalse(jvm.argumentFiles());
        assertTrue(read("@jvm.options", "-jar", "app.jar").argumentFiles());
    }

    @Test
    void theAppIsNamedByItsMainClassSoAVersionedJarKeepsItsName(@TempDir Path dir) throws IOException {
        Path jar = AotFixtures.jar(dir.resolve("shop-1.4.2.jar"), "shop");

        assertEquals("app.Main", read("-jar", jar.toString()).appName());
        assertEquals("io.example.Shop", read("-cp", "a.jar", "io.example.Shop").appName());
        assertEquals("no-manifest.jar", read("-jar", dir.resolve("no-manifest.jar").toString()).appName());
        assertEquals("app.Main", read("-m", "shop/app.Main").appName());
    }
}
