package io.clusterflock.internal.options;

import java.util.function.UnaryOperator;

/** Where an option's value came from, and so how a message names the option: as the operator wrote it. */
public enum Spelling implements UnaryOperator<String> {
    /** The Java API: {@code respawnDelay}. */
    BUILDER {
        @Override
        public String apply(String option) {
            return option;
        }
    },
    /** The command line: {@code --respawn-delay}; an option without a flag by its parameter's label ({@code COMMAND}). */
    FLAG {
        @Override
        public String apply(String option) {
            return Options.named(option).map(Option::flag).orElse(option);
        }
    },
    /** A system property: {@code -Dclusterflock.respawnDelay}. */
    PROPERTY {
        @Override
        public String apply(String option) {
            return "-D" + Option.PROPERTY_PREFIX + option;
        }
    },
    /** An environment variable: {@code $PORT}; an option that is read from none by its Java name. */
    ENVIRONMENT {
        @Override
        public String apply(String option) {
            return Options.named(option).flatMap(Option::environment).map(variable -> "$" + variable).orElse(option);
        }
    };

    /** Whether the value was written by the operator outside the program's code (so its message stays as it is). */
    public boolean outsideTheCode() {
        return this == PROPERTY || this == ENVIRONMENT;
    }
}
