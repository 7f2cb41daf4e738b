package io.clusterflock.internal.options;

import static io.clusterflock.internal.options.Options.PREFIX_OUTPUT;
import static io.clusterflock.internal.options.Options.RESPAWN_DELAY;
import static io.clusterflock.internal.options.Options.RESPAWN_DELAY_MAX;
import static io.clusterflock.internal.options.Options.SILENT;

import io.clusterflock.internal.tls.TlsFiles;
import io.clusterflock.internal.tls.TlsProblem;
import io.clusterflock.internal.util.Durations;

import java.nio.file.Path;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Rules between options, checked once each option has passed its own checks. A refusal blames
 * the option the operator wrote: one set outside the code (a property, an environment
 * variable) before one set in code, and one set at all before one left at its default.
 */
final class Rules {
    private static final List<Function<OptionValues, Optional<Refusal>>> ALL = List.of(Rules::respawnDelayCap, Rules::oneOutputMode, Rules::workerAccount, Rules::tls);

    private Rules() {}

    static Optional<Refusal> refusal(OptionValues values) {
        return ALL.stream().flatMap(rule -> rule.apply(values).stream()).findFirst();
    }

    /** The doubling respawn delay stops at its cap, so a cap is no shorter than the first delay, or 0: no doubling. */
    private static Optional<Refusal> respawnDelayCap(OptionValues values) {
        Duration delay = values.get(RESPAWN_DELAY);
        Duration cap = values.get(RESPAWN_DELAY_MAX);
        if (cap.isZero() || cap.compareTo(delay) >= 0) {
            return Optional.empty();
        }
        return Optional.of(blame(values, RESPAWN_DELAY_MAX, RESPAWN_DELAY) == RESPAWN_DELAY_MAX
                ? Refusal.notAllowed(RESPAWN_DELAY_MAX.name(), Durations.format(cap), "a duration no shorter than ",
                        RESPAWN_DELAY, " (" + Durations.format(delay) + "), or 0 for a constant delay")
                : Refusal.notAllowed(RESPAWN_DELAY.name(), Durations.format(delay), "a duration no longer than ",
                        RESPAWN_DELAY_MAX, " (" + Durations.format(cap) + "), or raise ", RESPAWN_DELAY_MAX, " too"));
    }

    /** Workers' output goes either through the master, prefixed, or nowhere. */
    private static Optional<Refusal> oneOutputMode(OptionValues values) {
        if (!(values.get(PREFIX_OUTPUT) && values.get(SILENT))) {
            return Optional.empty();
        }
        Option<?> blamed = blame(values, PREFIX_OUTPUT, SILENT);
        return Optional.of(Refusal.conflict(blamed, blamed == PREFIX_OUTPUT ? SILENT : PREFIX_OUTPUT));
    }

    /**
     * Only root starts processes as another user, through util-linux's {@code setpriv}; a master
     * that cannot is refused before anything starts, never with workers failing one by one.
     */
    private static Optional<Refusal> workerAccount(OptionValues values) {
        Option<String> given = values.isSet(Options.USER) ? Options.USER : values.isSet(Options.GROUP) ? Options.GROUP : null;
        if (given == null) {
            return Optional.empty();
        }
        int self = io.clusterflock.internal.os.Accounts.effectiveUid();
        if (self != 0) {
            return Optional.of(Refusal.notAllowed(given.name(), values.get(given), "it only with a master running as root (this one runs as uid "
                    + Integer.toUnsignedString(self) + "), which binds the port and starts the workers as another user"));
        }
        if (io.clusterflock.internal.os.WorkerAccount.setpriv().isEmpty()) {
            return Optional.of(Refusal.notAllowed(given.name(), values.get(given), "it only where setpriv (util-linux) is installed"));
        }
        return Optional.empty();
    }

    /**
     * A certificate and key that cannot serve are refused before anything starts, naming the file
     * to blame: missing, unreadable, unparsable, a PEM certificate without its key, or a key of
     * another certificate. Workers read the files again as they start.
     */
    private static Optional<Refusal> tls(OptionValues values) {
        if (!values.isSet(Options.TLS_CERT)) {
            return values.isSet(Options.TLS_KEY) ? Optional.of(Refusal.notAllowed(Options.TLS_KEY.name(),
                    values.get(Options.TLS_KEY).toString(), "it only with ", Options.TLS_CERT, ", the certificate it belongs to"))
                    : Optional.empty();
        }
        TlsFiles files = new TlsFiles(values.get(Options.TLS_CERT), values.find(Options.TLS_KEY), values.get(Options.TLS_PASSWORD));
        try {
            boolean pem = files.isPem();
            if (pem && files.key().isEmpty()) {
                return Optional.of(Refusal.notAllowed(Options.TLS_CERT.name(), values.get(Options.TLS_CERT).toString(),
                        "it with ", Options.TLS_KEY, " (a PEM certificate needs its private key), or give a PKCS#12 keystore"));
            }
            if (!pem && files.key().isPresent()) {
                return Optional.of(Refusal.notAllowed(Options.TLS_KEY.name(), values.get(Options.TLS_KEY).toString(),
                        "it only with a PEM certificate: ", Options.TLS_CERT, " is a keystore, which holds its own key"));
            }
            files.read();
            return Optional.empty();
        } catch (TlsProblem problem) {
            Option<Path> blamed = problem.inKey() ? Options.TLS_KEY : Options.TLS_CERT;
            return Optional.of(Refusal.unusable(blamed.name(), values.get(blamed).toString(), problem.getMessage()));
        }
    }

    /** Of two options that do not go together, the one to name first: {@code first} unless only {@code second} is the operator's. */
    private static Option<?> blame(OptionValues values, Option<?> first, Option<?> second) {
        boolean firstOutside = values.spelling(first).outsideTheCode();
        boolean secondOutside = values.spelling(second).outsideTheCode();
        if (firstOutside != secondOutside) {
            return firstOutside ? first : second;
        }
        return values.isSet(first) || !values.isSet(second) ? first : second;
    }
}
