package io.clusterflock.internal.options;

import io.clusterflock.OptionException;
import io.clusterflock.Warmup;
import io.clusterflock.internal.os.ListenSocket;
import io.clusterflock.internal.util.Durations;
import io.clusterflock.internal.util.Sizes;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How an option's values are written as text: read from what an operator typed (a flag, a
 * {@code -D} property, an environment variable) and written back in messages.
 *
 * @param reader  the value {@code text} stands for, or empty when it is not of this form
 * @param writer  the value as an operator would write it
 * @param allowed what text of this form looks like, for a message: {@code a whole number}
 */
public record TextForm<T>(Function<String, Optional<T>> reader, Function<T, String> writer, String allowed) {

    /** {@code 8}. */
    public static TextForm<Integer> wholeNumber() {
        return new TextForm<>(text -> number(text).filter(n -> n == n.intValue()).map(Long::intValue), String::valueOf,
                "a whole number");
    }

    /** {@code 10000}: a count that may outgrow an int. */
    public static TextForm<Long> count() {
        return new TextForm<>(TextForm::number, String::valueOf, "a whole number");
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
    public static TextForm<Duration> duration() {
        return new TextForm<>(text -> parsed(() -> Durations.parse("", text)), Durations::format,
                "a duration such as 500ms, 10s, 2m or 1h");
    }

    /** {@code 512m}, {@code 1.5g}, {@code 300MiB}; a bare number is bytes. */
    public static TextForm<Long> size() {
        return new TextForm<>(text -> parsed(() -> Sizes.parse("", text)), String::valueOf, "a size such as 512m or 2g");
    }

    /** A file name, relative to the working directory or absolute. */
    public static TextForm<Path> path() {
        return new TextForm<>(text -> text.isBlank() ? Optional.empty() : parsed(() -> Path.of(text.strip())),
                Path::toString, "a file name");
    }

    /** Any text, as it is. */
    public static TextForm<String> text() {
        return new TextForm<>(Optional::of, Function.identity(), "any text");
    }

    /** {@code GET /items; count 500}: see {@link Warmup#parse}. */
    public static TextForm<Warmup> warmup() {
        return new TextForm<>(text -> {
            try {
                return Optional.of(Warmup.parse(text));
            } catch (IllegalArgumentException e) {
                throw new Unreadable(e.getMessage());
            }
        }, Warmup::text, "[METHOD] PATH, then '; count N', '; for DURATION', '; header NAME: VALUE', '; body TEXT' or '; body @FILE'");
    }

    /**
     * {@code HOST:PORT}, {@code [IPV6]:PORT}, or {@code :PORT}, {@code *:PORT} and {@code PORT} for
     * every interface. An IP address is read as it is; a host name is kept unresolved, to be looked
     * up when the address is bound (as {@code --host} is), so reading options never waits for DNS.
     */
    public static TextForm<InetSocketAddress> socketAddress() {
        return new TextForm<>(TextForm::socketAddress, TextForm::hostAndPort,
                "HOST:PORT, [IPv6]:PORT, or :PORT for every interface, with a port from 0 to 65535");
    }

    /** {@code true} or {@code false}; empty text ({@code -Dclusterflock.silent}) is true. */
    public static TextForm<Boolean> toggle() {
        return new TextForm<>(text -> switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "", "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> Optional.empty();
        }, String::valueOf, "true or false");
    }

    /** {@code NAME=VALUE}, split at the first {@code =}; the name is not empty. */
    public static TextForm<Map.Entry<String, String>> assignment() {
        return new TextForm<>(text -> text.indexOf('=') > 0
                ? Optional.of(Map.entry(text.substring(0, text.indexOf('=')), text.substring(text.indexOf('=') + 1)))
                : Optional.empty(), entry -> entry.getKey() + "=" + entry.getValue(), "NAME=VALUE");
    }

    /** One of an enum's constants, named in lower case (any case is read): {@code started, listening or ready}. */
    public static <E extends Enum<E>> TextForm<E> choice(Class<E> type) {
        List<E> values = Arrays.asList(type.getEnumConstants());
        List<String> names = values.stream().map(TextForm::lowerCase).toList();
        String allowed = String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
        return new TextForm<>(text -> values.stream().filter(value -> value.name().equalsIgnoreCase(text.strip())).findFirst(),
                TextForm::lowerCase, allowed);
    }

    /** Text a reader refuses with a reason of its own, for the operator: what exactly is wrong. */
    public static final class Unreadable extends RuntimeException {
        public Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The value {@code text} stands for, or empty. @throws Unreadable saying why it is not */
    public Optional<T> read(String text) {
        return reader.apply(text == null ? "" : text);
    }

    /** The value as an operator would write it. */
    public String write(T value) {
        return writer.apply(value);
    }

    private static String lowerCase(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static Optional<InetSocketAddress> socketAddress(String text) {
        String written = text.strip();
        int colon = written.lastIndexOf(':');
        String host = colon < 0 ? "" : written.substring(0, colon);
        Optional<Integer> port = number(written.substring(colon + 1)).filter(n -> n >= 0 && n <= 65_535).map(Long::intValue);
        if (port.isEmpty() || written.substring(colon + 1).startsWith("+")) {
            return Optional.empty();
        }
        if (host.isEmpty() || host.equals("*")) {
            return port.map(InetSocketAddress::new);
        }
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        String name = bracketed ? host.substring(1, host.length() - 1) : host;
        if (bracketed != name.contains(":") || name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == '[' || c == ']')) {
            return Optional.empty(); // an IPv6 address goes in brackets, and only one
        }
        try {
            return Optional.of(new InetSocketAddress(InetAddress.ofLiteral(name), port.get()));
        } catch (IllegalArgumentException notAnAddress) {
            return bracketed ? Optional.empty() : Optional.of(InetSocketAddress.createUnresolved(name, port.get()));
        }
    }

    /** {@code 127.0.0.1:9100}, {@code [::1]:9100}, {@code *:9100}, {@code localhost:9100}: as {@link #socketAddress} reads it. */
    private static String hostAndPort(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : ip.isAnyLocalAddress() ? "*"
                : ip instanceof Inet6Address ? "[" + ListenSocket.literal(ip) + "]" : ip.getHostAddress();
        return host + ":" + address.getPort();
    }

    private static Optional<Long> number(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Durations and Sizes refuse text with an exception; here only whether they read it matters. */
    private static <T> Optional<T> parsed(java.util.function.Supplier<T> parse) {
        try {
            return Optional.of(parse.get());
        } catch (OptionException | InvalidPathException e) {
            return Optional.empty();
        }
    }
}
