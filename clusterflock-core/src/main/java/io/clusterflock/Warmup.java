package io.clusterflock;

import io.clusterflock.internal.util.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A request a new worker sends to itself before it accepts its first connection, so that the
 * code behind it is loaded, linked and compiled before clients reach it. Library-mode workers
 * send it in-process (through Jetty's {@code LocalConnector}, no socket); the application's
 * handler receives it like any request, with the header {@code X-Clusterflock-Warmup: 1}.
 *
 * <p>Written by an operator as {@code --warmup} or {@code -Dclusterflock.warmup}, one warm-up per
 * flag: the request line, then fields after semicolons.
 *
 * <pre>
 * GET /items                                        (sent 200 times)
 * GET /items?page=2; count 5000
 * POST /orders; for 3s; header Content-Type: application/json; body {"sku": 1}
 * POST /search; count 500; body @search.json        (the body is read from the file)
 * </pre>
 *
 * <p>A warm-up is sent {@code count} times, or over and over for {@code duration} when one is
 * given. A worker whose warm-up gets no answer, or only 5xx answers, is not ready: it exits, and a
 * reload to its build gives up while the serving generation goes on.
 *
 * @param method   the HTTP method, upper case
 * @param path     the path and query, from {@code /}
 * @param headers  header names and values, in order
 * @param body     the request body; empty for none
 * @param count    how many times to send it, when {@code duration} is zero
 * @param duration how long to keep sending it; zero: send it {@code count} times
 */
public record Warmup(String method, String path, Map<String, String> headers, String body, int count, Duration duration) {
    /** How many times a warm-up is sent when it says neither a count nor a duration. */
    public static final int DEFAULT_COUNT = 200;
    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    public Warmup {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(duration, "duration");
        if (!METHOD.matcher(method).matches()) {
            throw new IllegalArgumentException("'" + method + "' is not an HTTP method: use GET, POST, ...");
        }
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("'" + path + "' is not a request path: start it with / and leave out spaces");
        }
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (!HEADER_NAME.matcher(header.getKey()).matches()
                    || header.getValue().chars().anyMatch(c -> c == '\r' || c == '\n')) {
                throw new IllegalArgumentException("'" + header.getKey() + ": " + header.getValue()
                        + "' is not a header: NAME: VALUE, a name of letters, digits and -");
            }
        }
        if (count < 1) {
            throw new IllegalArgumentException("a warm-up is sent at least once, not " + count + " times");
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a warm-up lasts 0 or more, not " + Durations.format(duration));
        }
    }

    /** {@code GET path}, sent {@value #DEFAULT_COUNT} times. */
    public static Warmup get(String path) {
        return request("GET", path);
    }

    /** {@code method path}, sent {@value #DEFAULT_COUNT} times. */
    public static Warmup request(String method, String path) {
        return new Warmup(method, path, Map.of(), "", DEFAULT_COUNT, Duration.ZERO);
    }

    /** The same warm-up sent {@code times} times. */
    public Warmup times(int times) {
        return new Warmup(method, path, headers, body, times, Duration.ZERO);
    }

    /** The same warm-up, sent over and over for {@code lasting}. */
    public Warmup lasting(Duration lasting) {
        return new Warmup(method, path, headers, body, count, lasting);
    }

    /** The same warm-up with one more header. */
    public Warmup header(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Warmup(method, path, more, body, count, duration);
    }

    /** The same warm-up with this body (UTF-8). */
    public Warmup body(String text) {
        return new Warmup(method, path, headers, text, count, duration);
    }

    /**
     * Reads the operator's form: {@code [METHOD] PATH[; count N | ; for DURATION][; header NAME: VALUE]…[; body TEXT | ; body @FILE]}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Warmup parse(String text) {
        List<String> fields = new ArrayList<>(List.of(text.strip().split("\\s*;\\s*", -1)));
        String[] line = fields.removeFirst().split("\\s+");
        if (line.length > 2 || line[0].isEmpty()) {
            throw new IllegalArgumentException("start a warm-up with [METHOD] PATH, such as GET /items");
        }
        Warmup warmup = line.length == 2 ? request(line[0].toUpperCase(Locale.ROOT), line[1]) : get(line[0]);
        for (String field : fields) {
            String[] kv = field.split("\\s+", 2);
            String value = kv.length == 2 ? kv[1] : "";
            warmup = switch (kv[0].toLowerCase(Locale.ROOT)) {
                case "count" -> warmup.times(number(value));
                case "for" -> warmup.lasting(duration(value));
                case "header" -> {
                    int colon = value.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("'header " + value + "': write header NAME: VALUE");
                    }
                    yield warmup.header(value.substring(0, colon).strip(), value.substring(colon + 1).strip());
                }
                case "body" -> warmup.body(value.startsWith("@") ? file(value.substring(1)) : value);
                default -> throw new IllegalArgumentException("'" + field
                        + "' is not a warm-up field: use count N, for DURATION, header NAME: VALUE or body TEXT|@FILE");
            };
        }
        return warmup;
    }

    /** The operator's form of this warm-up; a body is written inline. */
    public String text() {
        StringBuilder out = new StringBuilder(method).append(' ').append(path);
        out.append(duration.isZero() ? "; count " + count : "; for " + Durations.format(duration));
        headers.forEach((name, value) -> out.append("; header ").append(name).append(": ").append(value));
        if (!body.isEmpty()) {
            out.append("; body ").append(body);
        }
        return out.toString();
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'count " + text + "': write count and a whole number, such as count 500");
        }
    }

    private static Duration duration(String text) {
        try {
            return Durations.parse("for", text);
        } catch (OptionException e) {
            throw new IllegalArgumentException("'for " + text + "': write for and a duration, such as for 3s");
        }
    }

    private static String file(String name) {
        try {
            return Files.readString(Path.of(name), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the body from '" + name + "': " + e.getMessage());
        }
    }
}
