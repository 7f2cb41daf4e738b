package io.clusterflock.internal.master;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The cache file an operator named ({@code --aot-cache FILE}), with the key of the build it was
 * trained for beside it in {@code FILE.key}: a file without a key, or with another one, is
 * retrained instead of mapped, so a deploy never leaves workers on a cache their JVM ignores.
 * For a command that is not the java launcher the build is unknown and FILE is mapped as it is.
 */
record CacheFile(Path file) implements CacheLocation {
    /** {@code FILE.key}. */
    Path keyFile() {
        return file.resolveSibling(file.getFileName() + ".key");
    }

    @Override
    public Target target(Optional<BuildKey> key) {
        return new Target(file, CacheLocation.usable(file) && key.map(this::trainedFor).orElse(true));
    }

    private boolean trainedFor(BuildKey key) {
        try {
            return Files.readString(keyFile(), StandardCharsets.UTF_8).equals(key.text());
        } catch (IOException | RuntimeException e) {
            return false; // no key, or not one we wrote
        }
    }

    @Override
    public void mapped(Path cache) {
    }

    /**
     * The key goes first, the cache after it, the new key last: whatever step a crash
     * interrupts, FILE and FILE.key never claim a build FILE was not trained for.
     */
    @Override
    public void install(Path written, Path target, Optional<BuildKey> key) throws IOException {
        Files.deleteIfExists(keyFile());
        Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (key.isPresent()) {
            Path next = written.resolveSibling(written.getFileName() + ".key");
            Files.writeString(next, key.get().text(), StandardCharsets.UTF_8);
            Files.move(next, keyFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public Path directory() {
        return file.getParent();
    }

    @Override
    public boolean isOurs(String name) {
        return name.equals(file.getFileName().toString());
    }
}
