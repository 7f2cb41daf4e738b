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
 * GET /; header Host: shop.example.com              (a virtual host of the application)
 * </pre>
 *
 * <p>A warm-up is sent {@code count} times, or over and over for {@code duration} when one is
 * given (not both). The body comes last and takes the rest of the text, semicolons included; a
 * header value may hold semicolons too. The warm-up sets {@code Content-Length} and
 * {@code Connection} itself, and {@code Host} unless the warm-up names one. A worker whose warm-up gets no answer, or only 5xx answers, is not ready: it exits, and a
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
    /** Workers get warm-ups in their environment, where one variable holds at most 128 KiB. */
    public static final int MAX_BODY_BYTES = 32 * 1024;
    /** Headers the warm-up writes itself: the body's length, and a connection closed after the answer. */
    private static final java.util.Set<String> FRAMING = java.util.Set.of("content-length", "transfer-encoding", "connection");

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
            if (FRAMING.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("'header " + header.getKey() + "': leave it out, the warm-up sets "
                        + header.getKey() + " itself");
            }
            if (!HEADER_NAME.matcher(header.getKey()).matches()
                    || header.getValue().chars().anyMatch(c -> c == '\r' || c == '\n')) {
                throw new IllegalArgumentException("'" + header.getKey() + ": " + header.getValue()
                        + "' is not a header: NAME: VALUE, a name of letters, digits and -");
            }
        }
        int bodyBytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bodyBytes > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("a warm-up body of " + bodyBytes + " bytes is over the limit of "
                    + MAX_BODY_BYTES + " bytes");
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
        String all = text.strip();
        // The body is the last field and takes the rest of the text as it is, semicolons included.
        java.util.regex.Matcher bodyField = Pattern.compile(";\\s*body(\\s|$)", Pattern.CASE_INSENSITIVE).matcher(all);
        String body = null;
        if (bodyField.find()) {
            body = all.substring(bodyField.end()).stripLeading();
            all = all.substring(0, bodyField.start());
        }
        List<String> fields = new ArrayList<>(List.of(all.split("\\s*;\\s*", -1)));
        String first = fields.removeFirst();
        String[] line = first.split("\\s+");
        if (line.length > 2 || line[0].isEmpty()) {
            throw new IllegalArgumentException("'" + first + "': start a warm-up with [METHOD] PATH, such as GET /items");
        }
        Warmup warmup = line.length == 2 ? request(line[0].toUpperCase(Locale.ROOT), line[1]) : get(line[0]);
        boolean counted = false;
        boolean timed = false;
        String lastHeader = null;
        for (String field : fields) {
            String[] kv = field.split("\\s+", 2);
            String value = kv.length == 2 ? kv[1] : "";
            switch (kv[0].toLowerCase(Locale.ROOT)) {
                case "count" -> {
                    warmup = warmup.times(number(value));
                    counted = true;
                    lastHeader = null;
                }
                case "for" -> {
                    warmup = warmup.lasting(duration(value));
                    timed = true;
                    lastHeader = null;
                }
                case "header" -> {
                    int colon = value.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("'header " + value + "': write header NAME: VALUE");
                    }
                    lastHeader = value.substring(0, colon).strip();
                    warmup = warmup.header(lastHeader, value.substring(colon + 1).strip());
                }
                default -> {
                    if (lastHeader == null) {
                        throw new IllegalArgumentException("'" + field
                                + "' is not a warm-up field: use count N, for DURATION, header NAME: VALUE or body TEXT|@FILE");
                    }
                    // A header value with a semicolon of its own: Content-Type: text/html; charset=utf-8
                    warmup = warmup.header(lastHeader, warmup.headers().get(lastHeader) + "; " + field);
                }
            }
        }
        if (counted && timed) {
            throw new IllegalArgumentException("give a warm-up a count or a duration ('for'), not both");
        }
        if (body != null) {
            warmup = warmup.body(body.startsWith("@") ? file(body.substring(1)) : body);
        }
        return warmup;
    }

    /**
     * This request as it goes over a connection, HTTP/1.1 closed after the answer: the body's
     * {@code Content-Length}, {@code Connection: close}, and {@code Host: localhost} unless the
     * warm-up names a host of its own. A server of your own sends these to itself.
     */
    public byte[] bytes() {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Connection: close\r\n");
        if (headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("Host"))) {
            head.append("Host: localhost\r\n"); // unless the operator names the virtual host
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (content.length > 0 || !method.equals("GET") && !method.equals("HEAD")) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        byte[] start = head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[start.length + content.length];
        System.arraycopy(start, 0, all, 0, start.length);
        System.arraycopy(content, 0, all, start.length, content.length);
        return all;
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
        Duration duration;
        try {
            duration = Durations.parse("for", text);
        } catch (OptionException e) {
            throw new IllegalArgumentException("'for " + text + "': write for and a duration, such as for 3s");
        }
        if (duration.toMillis() < 1) {
            throw new IllegalArgumentException("'for " + text + "': a warm-up lasts 1ms or more");
        }
        return duration;
    }

    private static String file(String name) {
        try {
            return Files.readString(Path.of(name), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the body from '" + name + "': " + e.getMessage());
        }
    }
}
