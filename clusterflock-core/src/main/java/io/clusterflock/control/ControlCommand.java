package io.clusterflock.control;

import io.clusterflock.internal.control.Quoting;

import io.clusterflock.ClusterOptions;
import java.util.List;

/**
 * What an operator can ask over the control socket; one line each, as {@link #line()} writes it
 * and {@link #parse} reads it.
 */
public sealed interface ControlCommand {
    String USAGE = "status [--json], sticky-for ADDRESS, scale N, reload, restart, stop, kill";

    /** The line that asks for this command. */
    String line();

    /** The master and one row per worker: a table, or one JSON object. */
    record Status(boolean json) implements ControlCommand {
        public String line() {
            return json ? "status --json" : "status";
        }
    }

    /** With sticky sessions: the slot that a client address's connections go to. */
    record StickyFor(String address) implements ControlCommand {
        public StickyFor {
            if (address.isBlank() || address.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("sticky-for takes one IP address, such as 192.0.2.7 or 2001:db8::7");
            }
        }

        public String line() {
            return "sticky-for " + address;
        }
    }

    /** Keep {@code workers} workers. */
    record Scale(int workers) implements ControlCommand {
        public Scale {
            if (workers < 1 || workers > ClusterOptions.MAX_WORKERS) {
                throw new IllegalArgumentException(badCount(Integer.toString(workers)));
            }
        }

        public String line() {
            return "scale " + workers;
        }
    }

    /** A new generation on every slot at once (SIGUSR2). */
    record Reload() implements ControlCommand {
        public String line() {
            return "reload";
        }
    }

    /** A new generation one slot at a time (SIGHUP). */
    record Restart() implements ControlCommand {
        public String line() {
            return "restart";
        }
    }

    /** Graceful shutdown (SIGTERM). */
    record Stop() implements ControlCommand {
        public String line() {
            return "stop";
        }
    }

    /** Immediate shutdown (SIGINT). */
    record Kill() implements ControlCommand {
        public String line() {
            return "kill";
        }
    }

    /**
     * Reads one command line: words separated by blanks.
     *
     * @throws IllegalArgumentException with a one-line message for the operator
     */
    static ControlCommand parse(String line) {
        List<String> words = List.of(line.strip().split("[ \t]+"));
        String verb = words.getFirst();
        List<String> args = words.subList(1, words.size());
        return switch (verb) {
            case "status" -> new Status(json(args));
            case "sticky-for" -> new StickyFor(args.size() == 1 ? args.getFirst() : "");
            case "scale" -> new Scale(count(args));
            case "reload" -> noArguments(verb, args, new Reload());
            case "restart" -> noArguments(verb, args, new Restart());
            case "stop" -> noArguments(verb, args, new Stop());
            case "kill" -> noArguments(verb, args, new Kill());
            case "" -> throw new IllegalArgumentException("empty command; commands: " + USAGE);
            default -> throw new IllegalArgumentException("unknown command '" + Quoting.shorten(verb) + "'; commands: " + USAGE);
        };
    }

    private static boolean json(List<String> args) {
        if (args.isEmpty()) {
            return false;
        }
        if (args.equals(List.of("--json"))) {
            return true;
        }
        throw new IllegalArgumentException("status takes only --json, not '" + Quoting.shorten(String.join(" ", args)) + "'");
    }

    private static int count(List<String> args) {
        if (args.size() != 1) {
            throw new IllegalArgumentException("scale takes one number: scale N, with N from 1 to " + ClusterOptions.MAX_WORKERS);
        }
        String text = args.getFirst();
        if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > ClusterOptions.MAX_WORKERS) {
            throw new IllegalArgumentException(badCount(text));
        }
        return Integer.parseInt(text);
    }

    private static String badCount(String text) {
        return "scale: '" + Quoting.shorten(text) + "' is not allowed; use a whole number from 1 to " + ClusterOptions.MAX_WORKERS;
    }

    private static <T extends ControlCommand> T noArguments(String verb, List<String> args, T command) {
        if (!args.isEmpty()) {
            throw new IllegalArgumentException(verb + " takes no arguments");
        }
        return command;
    }
}
