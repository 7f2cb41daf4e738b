package io.clusterflock;

import io.clusterflock.internal.util.Durations;
import io.clusterflock.internal.util.Sizes;

import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;

/**
 * Options an operator sets on a library-mode program's command line, over what its code says:
 * {@code java -Dclusterflock.workers=8 -Dclusterflock.port=8080 -jar app.jar}.
 */
final class SystemPropertyOptions {
    static final String PREFIX = "clusterflock.";

    private static final Map<String, BiConsumer<ClusterOptions.Builder, String>> SETTERS = Map.ofEntries(
            Map.entry("workers", (b, v) -> b.workers(integer("workers", v))),
            Map.entry("port", (b, v) -> b.port(integer("port", v))),
            Map.entry("host", ClusterOptions.Builder::host),
            Map.entry("backlog", (b, v) -> b.backlog(integer("backlog", v))),
            Map.entry("timeout", (b, v) -> b.timeout(Durations.parse("timeout", v))),
            Map.entry("readyWhen", (b, v) -> b.readyWhen(ReadyWhen.parse(v))),
            Map.entry("readyTimeout", (b, v) -> b.readyTimeout(Durations.parse("readyTimeout", v))),
            Map.entry("respawnDelay", (b, v) -> b.respawnDelay(Durations.parse("respawnDelay", v))),
            Map.entry("respawnDelayMax", (b, v) -> b.respawnDelayMax(Durations.parse("respawnDelayMax", v))),
            Map.entry("title", ClusterOptions.Builder::title),
            Map.entry("name", ClusterOptions.Builder::name),
            Map.entry("prefixOutput", (b, v) -> b.prefixOutput(Boolean.parseBoolean(v.strip()))),
            Map.entry("silent", (b, v) -> b.silent(Boolean.parseBoolean(v.strip()))),
            Map.entry("workerTimeout", (b, v) -> b.workerTimeout(Durations.parse("workerTimeout", v))),
            Map.entry("maxRequests", (b, v) -> b.maxRequests(integer("maxRequests", v))),
            Map.entry("maxRequestsJitter", (b, v) -> b.maxRequestsJitter(integer("maxRequestsJitter", v))),
            Map.entry("maxRss", (b, v) -> b.maxRss(Sizes.parse("maxRss", v))),
            Map.entry("maxRssGrace", (b, v) -> b.maxRssGrace(Durations.parse("maxRssGrace", v))),
            Map.entry("maxAge", (b, v) -> b.maxAge(Durations.parse("maxAge", v))),
            Map.entry("logFormat", (b, v) -> b.logFormat(switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "text" -> LogFormat.TEXT;
                case "json" -> LogFormat.JSON;
                default -> throw new OptionException("logFormat", v, "text or json");
            })),
            Map.entry("aotCache", (b, v) -> b.aotCache(java.nio.file.Path.of(v.strip()))));

    private SystemPropertyOptions() {}

    static void apply(ClusterOptions.Builder builder, Properties properties) {
        for (String name : properties.stringPropertyNames()) {
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String option = name.substring(PREFIX.length());
            BiConsumer<ClusterOptions.Builder, String> setter = SETTERS.get(option);
            if (setter == null) {
                throw new OptionException("-D" + name, properties.getProperty(name),
                        "one of -Dclusterflock." + String.join(", -Dclusterflock.", SETTERS.keySet().stream().sorted().toList()));
            }
            try {
                setter.accept(builder, properties.getProperty(name));
            } catch (OptionException e) {
                throw new OptionException("-D" + name, properties.getProperty(name), allowedPart(e));
            }
        }
    }

    private static String allowedPart(OptionException e) {
        String message = e.getMessage();
        return message.substring(message.indexOf("; use ") + "; use ".length());
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new OptionException(option, value, "a whole number");
        }
    }
}
