package io.clusterflock.internal.options;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Why options were refused, as one line whose option names are left open, so that it can name
 * them as the operator wrote them: {@code --respawn-delay}, {@code -Dclusterflock.respawnDelay}
 * or {@code respawnDelay} (see {@link Spelling}).
 *
 * @param option the option to blame, as the Java API names it
 * @param parts  the line: text, and option names to spell
 */
public record Refusal(String option, List<Part> parts) {

    /** A piece of the line. */
    public sealed interface Part {
        /** Words, as they are. */
        record Text(String text) implements Part { }

        /** An option, named as the Java API names it. */
        record Name(String option) implements Part { }
    }

    public Refusal {
        parts = List.copyOf(parts);
    }

    /**
     * {@code option: 'value' is not allowed; use ALLOWED}, where {@code allowed} is text and
     * {@link Option}s, the latter named in the reader's spelling.
     */
    public static Refusal notAllowed(String option, String value, Object... allowed) {
        List<Part> parts = new ArrayList<>(List.of(new Part.Name(option), new Part.Text(": '" + value + "' is not allowed; use ")));
        for (Object piece : allowed) {
            parts.add(piece instanceof Option<?> other ? new Part.Name(other.name()) : new Part.Text(String.valueOf(piece)));
        }
        return new Refusal(option, parts);
    }

    /** {@code option 'value' REASON}: a value of the right form that cannot serve, such as a file that does not exist. */
    public static Refusal unusable(String option, String value, String reason) {
        return new Refusal(option, List.of(new Part.Name(option), new Part.Text(" '" + value + "' " + reason)));
    }

    /** {@code option and other cannot be combined; use one of them}. */
    public static Refusal conflict(Option<?> option, Option<?> other) {
        return new Refusal(option.name(), List.of(new Part.Name(option.name()), new Part.Text(" and "),
                new Part.Name(other.name()), new Part.Text(" cannot be combined; use one of them")));
    }

    /** {@code option: no such option; use one of KNOWN}. */
    public static Refusal unknown(String option, List<String> known) {
        List<Part> parts = new ArrayList<>(List.of(new Part.Name(option), new Part.Text(": no such option; use one of ")));
        for (String name : known) {
            parts.add(new Part.Name(name));
            parts.add(new Part.Text(", "));
        }
        parts.removeLast();
        return new Refusal(option, parts);
    }

    /** The line, every option named by {@code spelling} (from the Java name to what the reader typed). */
    public String render(UnaryOperator<String> spelling) {
        StringBuilder line = new StringBuilder();
        for (Part part : parts) {
            line.append(switch (part) {
                case Part.Text text -> text.text();
                case Part.Name name -> spelling.apply(name.option());
            });
        }
        return line.toString();
    }
}
