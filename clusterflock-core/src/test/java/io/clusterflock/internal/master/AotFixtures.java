package io.clusterflock.internal.master;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Fake JDKs and jars in a test's directory: what an AOT cache's key is made of. */
final class AotFixtures {
    private AotFixtures() {}

    /** {@code home/bin/java} (an empty file) beside a release file of {@code version}. */
    static Path fakeJdk(Path dir, String name, String version) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version
                + "\"\nJAVA_RUNTIME_VERSION=\"" + version + "+1\"\n");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        return Files.exists(java) ? java : Files.createFile(java);
    }

    /** A jar holding one entry of {@code content}, with a manifest {@code Class-Path} if one is given, modified at {@code millis}. */
    static Path jar(Path file, String content, String classPath, long millis) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "app.Main");
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            JarEntry entry = new JarEntry("app/data.txt");
            entry.setTime(0); // the same bytes for the same content
            jar.putNextEntry(entry);
            jar.write(content.getBytes());
            jar.closeEntry();
        }
        Files.setLastModifiedTime(file, FileTime.fromMillis(millis));
        return file;
    }

    static Path jar(Path file, String content) throws IOException {
        return jar(file, content, null, 1_700_000_000_000L);
    }
}
