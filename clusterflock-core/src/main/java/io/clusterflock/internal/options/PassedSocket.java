package io.clusterflock.internal.options;

import static io.clusterflock.internal.options.Options.HOST;
import static io.clusterflock.internal.options.Options.PORT;
import static io.clusterflock.internal.options.Options.STICKY;

import io.clusterflock.internal.util.ListenFds;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A master given its socket by systemd (socket activation) has no address to choose: the
 * {@code .socket} unit chose it. A port or host set anyway, or sticky sessions (a socket per
 * slot, which the master must open itself), is refused, naming the option as the operator wrote it.
 */
public final class PassedSocket {
    private PassedSocket() {}

    public static Optional<Refusal> refusal(OptionValues values, long pid, Function<String, String> environment) {
        Optional<Integer> passed;
        try {
            passed = ListenFds.passedTo(pid, environment);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // malformed: the master says so when it looks for the socket
        }
        if (passed.isEmpty()) {
            return Optional.empty();
        }
        if (values.get(STICKY)) {
            return Optional.of(new Refusal(STICKY.name(), List.of(new Refusal.Part.Name(STICKY.name()),
                    new Refusal.Part.Text(" needs a socket per worker, which the master opens itself; it cannot serve "
                            + "the one socket systemd passed (LISTEN_FDS)"))));
        }
        List<Option<?>> given = new ArrayList<>();
        for (Option<?> option : List.<Option<?>>of(PORT, HOST)) {
            if (values.isSet(option)) {
                given.add(option);
            }
        }
        if (given.isEmpty()) {
            return Optional.empty();
        }
        List<Refusal.Part> parts = new ArrayList<>();
        for (Option<?> option : given) {
            if (!parts.isEmpty()) {
                parts.add(new Refusal.Part.Text(" and "));
            }
            parts.add(new Refusal.Part.Name(option.name()));
        }
        boolean one = given.size() == 1;
        parts.add(new Refusal.Part.Text((one ? " conflicts" : " conflict") + " with the socket systemd passed (LISTEN_FDS): "
                + "the .socket unit says where to listen; leave " + (one ? "it" : "them") + " out"));
        return Optional.of(new Refusal(given.getFirst().name(), parts));
    }
}
