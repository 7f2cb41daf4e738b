package io.clusterflock.internal.master;

import static io.clusterflock.internal.master.AotFixtures.fakeJdk;
import static io.clusterflock.internal.master.AotFixtures.jar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key of a worker's build changes with what its AOT cache depends on, and only with that. */
class BuildKeyTest {
    @TempDir
    Path dir;
    private final JarFacts jars = new JarFacts();
    private Path java;
    private Path app;

    @BeforeEach
    void jdkAndJar() throws IOException {
        java = fakeJdk(dir, "jdk", "25.0.3");
        app = jar(dir.resolve("app.jar"), "version 1");
    }

    private BuildKey key(List<String> args, Map<String, String> environment) throws IOException {
        return BuildKey.of(WorkerJvm.of(java, args, environment::get), environment::get, jars);
    }

    private BuildKey key(String... args) throws IOException {
        return key(List.of(args), Map.of());
    }

    @Test
    void theSameBuildHasTheSameKey() throws IOException {
        assertEquals(key("-jar", app.toString()), key("-jar", app.toString()));
        assertEquals(16, key("-jar", app.toString()).id().length());
        assertTrue(key("-jar", app.toString()).id().matches("[0-9a-f]{16}"));
    }

    @Test
    void aJarWithAnotherModificationTimeIsAnotherBuild() throws IOException {
        BuildKey before = key("-cp", app.toString(), "app.Main");

        Files.setLastModifiedTime(app, FileTime.fromMillis(Files.getLastModifiedTime(app).toMillis() + 1_000));

        assertNotEquals(before.id(), key("-cp", app.toString(), "app.Main").id(), "the JVM would refuse the cache: its jar is newer");
    }

    @Test
    void aJarOfAnotherSizeIsAnotherBuild() throws IOException {
        BuildKey before = key("-jar", app.toString());
        FileTime time = Files.getLastModifiedTime(app);

        jar(app, "version 1 with more in it");
        Files.setLastModifiedTime(app, time);

        assertNotEquals(before.id(), key("-jar", app.toString()).id());
    }

    @Test
    void aJarRewrittenWithTheSameSizeAndTimeIsAnotherBuildByItsContent() throws IOException {
        BuildKey before = key("-jar", app.toString());
        FileTime time = Files.getLastModifiedTime(app);
        long size = Files.size(app);

        Path other = jar(dir.resolve("other.jar"), "version 2"); // same length of content
        Files.move(other, app, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(app, time);

        assertEquals(size, Files.size(app), "the test needs a jar of the same size");
        assertNotEquals(before.id(), key("-jar", app.toString()).id(), "the JVM checks only size and time; the key checks content");
    }

    @Test
    void anotherJdkIsAnotherBuild() throws IOException {
        BuildKey before = key("-jar", app.toString());

        fakeJdk(dir, "jdk", "25.0.4"); // updated in place, same path

        assertNotEquals(before.id(), key("-jar", app.toString()).id());
        assertTrue(key("-jar", app.toString()).text().startsWith("jdk " + dir.resolve("jdk").toRealPath() + " 25.0.4+1 "),
                key("-jar", app.toString()).text());
    }

    @Test
    void jvmOptionsCountButTheProgramsSystemPropertiesDoNot() throws IOException {
        BuildKey plain = key("-Xmx1g", "-jar", app.toString());

        assertNotEquals(plain, key("-Xmx2g", "-jar", app.toString()), "a heap size changes compressed pointers");
        assertNotEquals(plain, key("-Xmx1g", "-XX:+UseZGC", "-jar", app.toString()));
        assertNotEquals(plain, key("-Xmx1g", "-Djdk.module.enable.native.access=ALL-UNNAMED", "-jar", app.toString()),
                "the JVM checks the JDK's module properties");
        assertEquals(plain, key("-Xmx1g", "-Dclusterflock.workers=8", "-Dapp.env=prod", "-jar", app.toString()));
        assertEquals(plain, key("-Xmx1g", "-jar", app.toString(), "--program-argument"));
        assertNotEquals(plain, key(List.of("-Xmx1g", "-jar", app.toString()), Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC")));
    }

    @Test
    void theManifestsClassPathAndWildcardsAreFollowedToTheirJars() throws IOException {
        Path lib = jar(dir.resolve("lib/dep.jar"), "dependency");
        Path main = jar(dir.resolve("main.jar"), "main", "lib/dep.jar lib/missing.jar", 1_700_000_000_000L);

        String text = key("-jar", main.toString()).text();
        assertTrue(text.contains("\njar " + lib + " size="), text);
        assertTrue(text.contains("\nmissing " + dir.resolve("lib/missing.jar")), text);

        String wildcard = key("-cp", dir.resolve("lib") + "/*", "app.Main").text();
        assertTrue(wildcard.contains("\nclass-path " + dir.resolve("lib") + "/*\njar " + lib + " size="), wildcard);

        BuildKey before = key("-jar", main.toString());
        Files.setLastModifiedTime(lib, FileTime.fromMillis(1_800_000_000_000L));
        assertNotEquals(before, key("-jar", main.toString()), "a dependency named by the manifest changed");
    }

    @Test
    void eachVersionOfAJarIsReadOnce() throws IOException {
        key("-jar", app.toString());
        key("-jar", app.toString());
        assertEquals(1, jars.reads());

        jar(app, "version 2");
        key("-jar", app.toString());
        assertEquals(2, jars.reads());
    }
}
