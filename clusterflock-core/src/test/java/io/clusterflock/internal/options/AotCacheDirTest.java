package io.clusterflock.internal.options;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where automatic AOT caches live by default: systemd's cache directory, else the XDG one, else ~/.cache. */
class AotCacheDirTest {
    private static Path standard(Map<String, String> environment) {
        return Options.standardAotCacheDir(environment::get, "/home/ops");
    }

    @Test
    void systemdsCacheDirectoryComesFirstThenXdgThenTheHomeDirectory() {
        assertEquals(Path.of("/var/cache/shop/aot"), standard(Map.of("CACHE_DIRECTORY", "/var/cache/shop:/var/cache/other",
                "XDG_CACHE_HOME", "/home/ops/xdg")));
        assertEquals(Path.of("/home/ops/xdg/clusterflock/aot"), standard(Map.of("XDG_CACHE_HOME", "/home/ops/xdg")));
        assertEquals(Path.of("/home/ops/.cache/clusterflock/aot"), standard(Map.of("XDG_CACHE_HOME", "relative/xdg")),
                "the XDG spec ignores a relative path");
        assertEquals(Path.of("/home/ops/.cache/clusterflock/aot"), standard(Map.of()));
    }
}
