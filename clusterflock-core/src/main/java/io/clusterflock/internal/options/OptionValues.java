package io.clusterflock.internal.options;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The options set so far, each with where it came from; anything not set has its declared
 * default. {@link #resolved()} freezes them with every default worked out, for a built
 * {@code ClusterOptions}.
 */
public final class OptionValues {
    /** Per option, its values in the order set: at most one unless it is repeatable; empty: explicitly none. */
    private final Map<Option<?>, List<Object>> values;
    /** Per option set explicitly (not by default), how the operator wrote it. */
    private final Map<Option<?>, Spelling> spellings;

    public OptionValues() {
        this(new HashMap<>(), new HashMap<>());
    }

    private OptionValues(Map<Option<?>, List<Object>> values, Map<Option<?>, Spelling> spellings) {
        this.values = values;
        this.spellings = spellings;
    }

    /** Sets {@code option} from code; {@code null} means none (not its default); a repeatable option adds it. */
    public <T> void set(Option<T> option, T value) {
        List<Object> list = option.repeatable() ? values.computeIfAbsent(option, o -> new ArrayList<>()) : new ArrayList<>(1);
        if (value != null) {
            list.add(value);
        }
        values.put(option, list);
        spellings.put(option, Spelling.BUILDER);
    }

    /** Back to its default, as if never set. */
    public void clear(Option<?> option) {
        values.remove(option);
        spellings.remove(option);
    }

    /** Records that the value just set for {@code option} was written this way (a property, an environment variable). */
    public void spelledAs(Option<?> option, Spelling spelling) {
        spellings.put(option, spelling);
    }

    /** Whether anything set {@code option}, rather than it having its default. */
    public boolean isSet(Option<?> option) {
        return spellings.containsKey(option);
    }

    /** How the operator wrote {@code option}, or {@link Spelling#BUILDER} for a default. */
    public Spelling spelling(Option<?> option) {
        return spellings.getOrDefault(option, Spelling.BUILDER);
    }

    /** Its value: the last one set, else its default; empty when it has none. */
    @SuppressWarnings("unchecked") // values of an option are only ever put by set(Option<T>, T)
    public <T> Optional<T> find(Option<T> option) {
        List<Object> list = values.get(option);
        if (list == null) {
            return option.defaultIn(this);
        }
        return list.isEmpty() ? Optional.empty() : Optional.of((T) list.getLast());
    }

    /** Its value, for an option that always has one (a default, or one set). */
    public <T> T get(Option<T> option) {
        return find(option).orElseThrow(() -> new IllegalStateException(option + " has no value"));
    }

    /** Every value set for a repeatable option, in order; else its one value, if any. */
    @SuppressWarnings("unchecked")
    public <T> List<T> all(Option<T> option) {
        return values.containsKey(option) ? (List<T>) Collections.unmodifiableList(values.get(option)) : find(option).stream().toList();
    }

    /** A frozen copy in which every option that has a default holds it, and nothing more can be set. */
    public OptionValues resolved() {
        Map<Option<?>, List<Object>> copy = new HashMap<>();
        for (Option<?> option : Options.ALL) {
            copy.put(option, List.copyOf(all(option)));
        }
        return new OptionValues(Collections.unmodifiableMap(copy), Map.copyOf(spellings));
    }
}
