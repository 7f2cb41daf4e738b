package io.clusterflock.internal.master;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The build a worker JVM runs, as far as its AOT cache depends on it: the JDK, the JVM options,
 * and every jar of the class path and module path. Two workers with the same key can share one
 * cache; a deploy that changes any of it gets a new key, so no worker maps a cache trained for
 * other code.
 *
 * <p>The JVM itself checks the JDK build, the class path's jar paths, sizes and modification
 * times, and some options, and quietly runs without a cache that does not match: the key holds
 * all of that, so a cache the master offers is never one the JVM throws away, and each jar's
 * SHA-256, which the JVM does not check. System properties other than the JDK's own do not change
 * what is cached and are left out (library mode's {@code -Dclusterflock.*} among them).
 *
 * @param text one line per item, readable: kept beside an explicit cache file (FILE.key), so an
 *             operator can diff why a cache was retrained
 */
record BuildKey(String text) {
    /** The variables every java launcher or JVM reads its options from. */
    static final List<String> OPTION_VARIABLES = List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS");
    private static final Pattern RUNTIME_VERSION = Pattern.compile("(?m)^JAVA_RUNTIME_VERSION=\"([^\"]*)\"");

    /** Sixteen hex digits naming the key in a cache file's name: 64 bits, enough for the builds of one program. */
    String id() {
        return sha256(text.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /**
     * The key of {@code jvm} started with {@code environment}'s variables.
     *
     * @throws IOException when the JDK's release file or a jar cannot be read (the JVM would fail too)
     */
    static BuildKey of(WorkerJvm jvm, Function<String, String> environment, JarFacts jars) throws IOException {
        List<String> lines = new ArrayList<>();
        Path home = javaHome(jvm.java());
        String release = Files.readString(home.resolve("release"));
        Matcher version = RUNTIME_VERSION.matcher(release);
        lines.add("jdk " + home + " " + (version.find() ? version.group(1) : "?")
                + " release-sha256=" + sha256(release.getBytes(StandardCharsets.UTF_8)));
        Path libjvm = home.resolve("lib").resolve("server").resolve("libjvm.so");
        if (Files.isRegularFile(libjvm)) { // a JDK patched in place keeps its path
            lines.add("libjvm " + Files.size(libjvm) + " " + Files.getLastModifiedTime(libjvm).toMillis());
        }
        cachedOptions(jvm.options()).forEach(option -> lines.add("option " + option));
        for (String variable : OPTION_VARIABLES) {
            String value = environment.apply(variable);
            if (value != null && !value.isBlank()) {
                lines.add("env " + variable + "=" + value);
            }
        }
        Set<Path> seen = new HashSet<>();
        for (String entry : jvm.classPath()) {
            lines.add("class-path " + entry);
            for (Path jar : jarsOf(entry)) {
                describe(jar, jars, seen, lines, true);
            }
        }
        for (String entry : jvm.modulePath()) {
            lines.add("module-path " + entry);
            Path path = Path.of(entry.isEmpty() ? "." : entry).toAbsolutePath().normalize();
            for (Path jar : Files.isDirectory(path) ? jarsIn(path) : List.of(path)) { // a directory of modules: its jars
                describe(jar, jars, seen, lines, false);
            }
        }
        return new BuildKey(String.join("\n", lines) + "\n");
    }

    /** The JDK a java launcher belongs to: {@code <home>/bin/java}, symbolic links resolved. */
    static Path javaHome(Path java) throws IOException {
        Path home = java.toRealPath().getParent().getParent();
        if (home == null) {
            throw new NoSuchFileException(java + " is not in a JDK's bin directory");
        }
        return home;
    }

    /** The JVM options that can change what the JVM caches or whether it accepts a cache: all but the program's system properties. */
    static List<String> cachedOptions(List<String> options) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if (Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path").contains(option)) {
                i++; // the paths are keyed jar by jar
            } else if (option.startsWith("--class-path=") || option.startsWith("--module-path=") || option.equals("-jar")) {
                continue;
            } else if (!option.startsWith("-D") || option.startsWith("-Djdk.") || option.startsWith("-Djava.")) {
                kept.add(option);
            }
        }
        return kept;
    }

    /** The jars a class path entry stands for: the file itself, or a directory's jars for {@code dir/*}. */
    static List<Path> jarsOf(String entry) throws IOException {
        if (entry.equals("*") || entry.endsWith("/*")) {
            Path dir = Path.of(entry.length() == 1 ? "." : entry.substring(0, entry.length() - 2)).toAbsolutePath().normalize();
            return Files.isDirectory(dir) ? jarsIn(dir) : List.of();
        }
        return List.of(Path.of(entry.isEmpty() ? "." : entry).toAbsolutePath().normalize());
    }

    /** A directory's jar files, sorted: the launcher expands {@code dir/*} to them, in the directory's order. */
    private static List<Path> jarsIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar")).sorted().toList();
        }
    }

    private static void describe(Path path, JarFacts jars, Set<Path> seen, List<String> lines, boolean followManifest)
            throws IOException {
        if (!seen.add(path)) {
            return;
        }
        if (Files.isDirectory(path)) {
            try (Stream<Path> entries = Files.list(path)) {
                lines.add("directory " + path + (entries.findAny().isPresent() ? "" : " (empty)"));
            }
            return;
        }
        if (!Files.exists(path)) {
            lines.add("missing " + path); // the JVM skips it; its coming later is a change
            return;
        }
        JarFacts.Jar jar = jars.of(path);
        lines.add("jar " + path + " size=" + jar.size() + " mtime=" + jar.modifiedMillis() + " sha256=" + jar.sha256());
        if (followManifest) {
            for (String url : jar.manifestClassPath()) {
                Optional<Path> entry = manifestEntry(path, url);
                if (entry.isPresent()) {
                    describe(entry.get(), jars, seen, lines, true);
                } else {
                    lines.add("manifest-class-path " + url); // not a file the JVM can open either
                }
            }
        }
    }

    /** A manifest's Class-Path entry: a URL relative to the jar's directory, or a {@code file:} URL. */
    private static Optional<Path> manifestEntry(Path jar, String url) {
        try {
            URI uri = jar.getParent().toUri().resolve(url);
            return "file".equals(uri.getScheme()) ? Optional.of(Path.of(uri).normalize()) : Optional.empty();
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            return Optional.empty();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
