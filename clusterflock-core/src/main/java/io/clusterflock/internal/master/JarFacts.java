package io.clusterflock.internal.master;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * What the AOT cache's key needs of each jar on a worker's class path, read once per version of
 * the file: its SHA-256 and its manifest's {@code Class-Path}. The JVM checks only a jar's path,
 * size and modification time against its cache, so a jar rewritten with the same size and time
 * would have it map classes the jar no longer holds; the hash tells the two apart. Hashing costs
 * about 85 ms for a 20 MB jar in a fresh JVM here (18 ms once the digest is compiled), once.
 *
 * <p>A version is the file's identity (device and inode) with its size, modification and change
 * times: a jar replaced by a rename is a new inode, one rewritten in place has a new change time,
 * which, unlike the modification time, no tool sets back.
 */
final class JarFacts {
    /** What is known of one version of a jar. */
    record Jar(long size, long modifiedMillis, String sha256, List<String> manifestClassPath) { }

    /** A file's identity, size and times as stat(2) reports them, through symbolic links as the JVM opens it. */
    private record Version(Object device, Object inode, Object size, Object modified, Object changed) { }

    private final Map<Path, Map.Entry<Version, Jar>> known = new HashMap<>();
    private int reads;

    /** The facts of {@code jar} as it is now; its content is read only when it changed since the last call. */
    synchronized Jar of(Path jar) throws IOException {
        Map<String, Object> stat = Files.readAttributes(jar, "unix:dev,ino,size,lastModifiedTime,ctime");
        Version version = new Version(stat.get("dev"), stat.get("ino"), stat.get("size"), stat.get("lastModifiedTime"),
                stat.get("ctime"));
        Map.Entry<Version, Jar> memo = known.get(jar);
        if (memo != null && memo.getKey().equals(version)) {
            return memo.getValue();
        }
        reads++;
        Jar facts = new Jar((Long) stat.get("size"), Files.getLastModifiedTime(jar).toMillis(), sha256(jar),
                manifestClassPath(jar));
        known.put(jar, Map.entry(version, facts));
        return facts;
    }

    /** How many times a jar's content was read: for tests. */
    synchronized int reads() {
        return reads;
    }

    private static String sha256(Path jar) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(jar)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The manifest's {@code Class-Path}: relative URLs, separated by spaces; none when it is not a readable jar. */
    private static List<String> manifestClassPath(Path jar) {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            return Optional.ofNullable(file.getManifest()).map(Manifest::getMainAttributes)
                    .map(attributes -> attributes.getValue(Attributes.Name.CLASS_PATH))
                    .map(value -> List.of(value.strip().split("\\s+"))).orElse(List.of())
                    .stream().filter(url -> !url.isEmpty()).toList();
        } catch (IOException | SecurityException e) {
            return List.of(); // not a jar the JVM can read either; its hash still keys it
        }
    }
}
