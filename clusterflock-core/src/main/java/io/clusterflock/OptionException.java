package io.clusterflock;

/**
 * A refused option value. Its message is one line for the operator that names the option, the
 * value and what is allowed: {@code workers: '0' is not allowed; use a whole number from 1 to 1024}.
 */
public final class OptionException extends IllegalArgumentException {
    private final String option;
    private final String value;
    private final String allowed;

    public OptionException(String option, Object value, String allowed) {
        super(describe(option, String.valueOf(value), allowed));
        this.option = option;
        this.value = String.valueOf(value);
        this.allowed = allowed;
    }

    /** The option's name as the Java API spells it, e.g. {@code workers}. */
    public String option() {
        return option;
    }

    /** The same message with the option spelled another way, e.g. as the command-line flag. */
    public String describeAs(String name) {
        return describe(name, value, allowed);
    }

    private static String describe(String option, String value, String allowed) {
        return option + ": '" + value + "' is not allowed; use " + allowed;
    }
}
