package io.clusterflock;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where JVM workers get their JDK 25 ahead-of-time cache from ({@link ClusterOptions.Builder#aotCache}):
 * a cache per build in the cache directory (the default), a file the operator names, or none.
 * On the command line: {@code --aot-cache auto}, {@code --aot-cache FILE}, {@code --aot-cache off}.
 */
public sealed interface AotCacheMode {
    /** A cache per build of the workers (JDK, class path, JVM options), in {@code aotCacheDir}, where that is possible. */
    record Automatic() implements AotCacheMode { }

    /** No cache. */
    record Off() implements AotCacheMode { }

    /** This file: trained while it is missing or was trained for another build, else mapped. */
    record InFile(Path file) implements AotCacheMode {
        public InFile {
            Objects.requireNonNull(file, "file");
        }
    }

    static AotCacheMode automatic() {
        return new Automatic();
    }

    static AotCacheMode off() {
        return new Off();
    }

    static AotCacheMode file(Path file) {
        return new InFile(file);
    }
}
