package io.clusterflock.internal.options;

import io.clusterflock.ClusterOptions;
import io.clusterflock.OptionException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One option of a cluster, declared once in {@link Options}: its Java name, how an operator
 * writes it (flags, a {@code -Dclusterflock.} property, an environment variable), how its text
 * is read, what values are allowed, its default and its help. The CLI, the system properties and
 * the builder's validation all read this declaration.
 *
 * <p>Identity is the option: each is a constant of {@link Options}.
 */
public final class Option<T> {
    /** System properties name options {@code clusterflock.<name>}. */
    public static final String PROPERTY_PREFIX = "clusterflock.";

    /** A rule for one value on its own, and what it allows in words. */
    public record Check<T>(Predicate<T> holds, String allowed) { }

    private final String name;
    private final Optional<TextForm<T>> form;
    private final Function<T, String> writer;
    private final List<String> flags;
    private final Optional<String> label;
    private final boolean property;
    private final Optional<String> environment;
    private final boolean repeatable;
    private final Function<OptionValues, Optional<T>> byDefault;
    private final Optional<String> defaultText;
    private final List<Check<T>> checks;
    private final String help;
    private final BiConsumer<ClusterOptions.Builder, T> setter;
    private final Function<ClusterOptions, ?> accessor;

    private Option(Declaration<T> d, BiConsumer<ClusterOptions.Builder, T> setter, Function<ClusterOptions, ?> accessor) {
        this.name = d.name;
        this.form = d.form;
        this.writer = d.writer;
        this.flags = List.copyOf(d.flags);
        this.label = d.label;
        this.property = d.property;
        this.environment = d.environment;
        this.repeatable = d.repeatable;
        this.byDefault = d.byDefault;
        this.defaultText = d.defaultText;
        this.checks = List.copyOf(d.checks);
        this.help = d.help;
        this.setter = setter;
        this.accessor = accessor;
    }

    /** Starts declaring an option whose values an operator writes as text of {@code form}. */
    static <T> Declaration<T> named(String name, TextForm<T> form) {
        return new Declaration<>(name, Optional.of(form), form::write);
    }

    /** Starts declaring an option only code can set (a Java object, or a list of words): no flag, no property. */
    static <T> Declaration<T> apiOnly(String name, Function<T, String> writer) {
        return new Declaration<>(name, Optional.empty(), writer);
    }

    /** The name of the builder method, the accessor and the property: {@code respawnDelayMax}. */
    public String name() { return name; }
    /** The command-line flags, short ones first: {@code -w}, {@code --workers}; none for an option only code sets. */
    public List<String> flags() { return flags; }
    /** The label of the flag's value ({@code DURATION}); none for a switch. */
    public Optional<String> label() { return label; }
    /** Whether the flag takes no value: present means on. */
    public boolean isSwitch() { return !flags.isEmpty() && label.isEmpty(); }
    /** Whether the flag may be given more than once, each adding a value. */
    public boolean repeatable() { return repeatable; }
    /** The system property that sets it, {@code clusterflock.<name>}, if any. */
    public Optional<String> property() { return property ? Optional.of(PROPERTY_PREFIX + name) : Optional.empty(); }
    /** The environment variable its value is taken from when nothing else sets it ({@code PORT}), if any. */
    public Optional<String> environment() { return environment; }
    /** One sentence for {@code --help}, without the default. */
    public String help() { return help; }
    /** The default in words, as help and docs show it: {@code 10s}, {@code available processors}. */
    public Optional<String> defaultText() { return defaultText; }

    /** How the command line names it: the long flag, or the label of a positional parameter. */
    public String flag() {
        return flags.isEmpty() ? label.orElse(name) : flags.getLast();
    }

    /** Whether an operator can write it as text at all (with a flag or a property). */
    public boolean readsText() {
        return form.isPresent();
    }

    /** What values are allowed, in words: the first check's, else what the text form reads. */
    public String allowed() {
        return checks.isEmpty() ? form.map(TextForm::allowed).orElse("a value") : checks.getFirst().allowed();
    }

    /**
     * The value {@code text} stands for.
     *
     * @throws OptionException naming this option, the text and what is allowed
     */
    public T parse(String text) {
        TextForm<T> textForm = form.orElseThrow(() -> new IllegalStateException(name + " is not set from text"));
        try {
            return textForm.read(text).orElseThrow(() -> new OptionException(name, text, allowed()));
        } catch (TextForm.Unreadable e) {
            throw new OptionException(name, text, allowed() + " (" + e.getMessage() + ")");
        }
    }

    /** Sets {@code value} through the builder's own method, as code would. */
    public void set(ClusterOptions.Builder builder, T value) {
        setter.accept(builder, value);
    }

    /** What {@link ClusterOptions}' accessor of this option answers. */
    public Object readFrom(ClusterOptions options) {
        return accessor.apply(options);
    }

    /** The value as an operator would write it. */
    public String write(T value) {
        return writer.apply(value);
    }

    /** The refusal of {@code value} by the first check it fails, if any. */
    public Optional<Refusal> refusal(T value) {
        return checks.stream().filter(check -> !check.holds().test(value)).findFirst()
                .map(check -> Refusal.notAllowed(name, write(value), check.allowed()));
    }

    /** The value when nothing sets it, which may depend on other options. */
    Optional<T> defaultIn(OptionValues values) {
        return byDefault.apply(values);
    }

    @Override
    public String toString() {
        return name;
    }

    /** An option being declared; {@link #reachedBy} ends the declaration. */
    static final class Declaration<T> {
        private final String name;
        private final Optional<TextForm<T>> form;
        private final Function<T, String> writer;
        private final List<String> flags = new ArrayList<>();
        private Optional<String> label = Optional.empty();
        private boolean property;
        private Optional<String> environment = Optional.empty();
        private boolean repeatable;
        private Function<OptionValues, Optional<T>> byDefault = values -> Optional.empty();
        private Optional<String> defaultText = Optional.empty();
        private final List<Check<T>> checks = new ArrayList<>();
        private String help = "";

        private Declaration(String name, Optional<TextForm<T>> form, Function<T, String> writer) {
            this.name = name;
            this.form = form;
            this.writer = writer;
        }

        /** Flags, short ones first; a switch has no {@link #label}. */
        Declaration<T> flags(String... names) {
            flags.addAll(List.of(names));
            return this;
        }

        Declaration<T> label(String text) {
            label = Optional.of(text);
            return this;
        }

        /** Settable with {@code -Dclusterflock.<name>}. */
        Declaration<T> property() {
            property = true;
            return this;
        }

        /** Taken from this environment variable when nothing else sets it. */
        Declaration<T> environment(String variable) {
            environment = Optional.of(variable);
            return this;
        }

        /** Each flag given adds a value. */
        Declaration<T> repeatable() {
            repeatable = true;
            return this;
        }

        Declaration<T> byDefault(T value, String text) {
            return byDefault(values -> value, text);
        }

        /** A default that is worked out when the options are built, maybe from other options. */
        Declaration<T> byDefault(Function<OptionValues, T> value, String text) {
            byDefault = values -> Optional.of(value.apply(values));
            defaultText = Optional.of(text);
            return this;
        }

        /** No value unless one is set; {@code text} says what that means ({@code all interfaces}). */
        Declaration<T> noneByDefault(String text) {
            defaultText = Optional.of(text);
            return this;
        }

        /** Values must pass {@code holds}; {@code allowed} says which do, for the operator. */
        Declaration<T> allowed(Predicate<T> holds, String allowed) {
            checks.add(new Check<>(holds, allowed));
            return this;
        }

        Declaration<T> help(String sentence) {
            help = sentence;
            return this;
        }

        /** Ends the declaration: the builder method that sets it and the accessor that reads it. */
        Option<T> reachedBy(BiConsumer<ClusterOptions.Builder, T> setter, Function<ClusterOptions, ?> accessor) {
            return new Option<>(this, setter, accessor);
        }
    }
}
