package io.clusterflock;

import io.clusterflock.internal.options.Refusal;
import io.clusterflock.internal.options.Spelling;

import java.util.function.UnaryOperator;

/**
 * A refused option value. Its message is one line for the operator that names the option as
 * the operator wrote it, the value and what is allowed:
 * {@code workers: '0' is not allowed; use a whole number from 1 to 1024} from the Java API,
 * {@code -Dclusterflock.workers: '0' is not allowed; …} from a system property.
 */
public final class OptionException extends IllegalArgumentException {
    private final String option;
    private final transient Refusal refusal;
    private final Spelling spelling;

    /** Refuses {@code value} of {@code option} (as the Java API names it); {@code allowed} says what is. */
    public OptionException(String option, Object value, String allowed) {
        this(Refusal.notAllowed(option, String.valueOf(value), allowed), Spelling.BUILDER);
    }

    OptionException(Refusal refusal, Spelling spelling) {
        super(refusal.render(spelling));
        this.option = refusal.option();
        this.refusal = refusal;
        this.spelling = spelling;
    }

    /** The refused option as the Java API names it, e.g. {@code respawnDelayMax}. */
    public String option() {
        return option;
    }

    /**
     * The same message with every option named by {@code spelling}, from the Java name to the
     * caller's own ({@code respawnDelay} → {@code --respawn-delay}), for a caller that set the
     * builder from its own command line. A message about a value the operator wrote in a system
     * property or an environment variable already names that, and stays as it is.
     */
    public String describeAs(UnaryOperator<String> spelling) {
        return this.spelling.outsideTheCode() ? getMessage() : refusal.render(spelling);
    }

    /** This refusal, naming the options as written in {@code spelling}. */
    OptionException spelledAs(Spelling spelling) {
        return new OptionException(refusal, spelling);
    }
}
