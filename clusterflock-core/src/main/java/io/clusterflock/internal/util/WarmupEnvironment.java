package io.clusterflock.internal.util;

import io.clusterflock.Warmup;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Warm-ups as the master hands them to its workers, in one environment variable: a line per
 * warm-up, its fields apart by tabs, each field URL-encoded (a body may hold anything).
 */
public final class WarmupEnvironment {
    public static final String VARIABLE = "CLUSTERFLOCK_WARMUP";

    private WarmupEnvironment() {}

    public static String encode(List<Warmup> warmups) {
        StringBuilder out = new StringBuilder();
        for (Warmup warmup : warmups) {
            List<String> fields = new ArrayList<>(List.of(warmup.method(), warmup.path(), Integer.toString(warmup.count()),
                    Long.toString(warmup.duration().toMillis()), warmup.body()));
            warmup.headers().forEach((name, value) -> {
                fields.add(name);
                fields.add(value);
            });
            out.append(String.join("\t", fields.stream().map(f -> URLEncoder.encode(f, StandardCharsets.UTF_8)).toList()))
                    .append('\n');
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException when {@code text} is not what {@link #encode} writes */
    public static List<Warmup> decode(String text) {
        List<Warmup> warmups = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            List<String> f = java.util.Arrays.stream(line.split("\t", -1))
                    .map(field -> URLDecoder.decode(field, StandardCharsets.UTF_8)).toList();
            if (f.size() < 5 || f.size() % 2 == 0) {
                throw new IllegalArgumentException("not a warm-up: " + line);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 5; i < f.size(); i += 2) {
                headers.put(f.get(i), f.get(i + 1));
            }
            warmups.add(new Warmup(f.get(0), f.get(1), headers, f.get(4), Integer.parseInt(f.get(2)),
                    Duration.ofMillis(Long.parseLong(f.get(3)))));
        }
        return warmups;
    }
}
