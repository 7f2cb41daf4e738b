package io.clusterflock;

import io.clusterflock.internal.options.Option;
import io.clusterflock.internal.options.Options;
import io.clusterflock.internal.options.Refusal;
import io.clusterflock.internal.options.Spelling;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Options an operator sets on a library-mode program's command line, over what its code says:
 * {@code java -Dclusterflock.workers=8 -Dclusterflock.port=8080 -jar app.jar}. Every option of
 * {@link Options} that declares a property can be set so; a refusal names the property.
 */
final class SystemPropertyOptions {
    private static final Map<String, Option<?>> BY_PROPERTY = Options.ALL.stream()
            .filter(option -> option.property().isPresent())
            .collect(Collectors.toMap(option -> option.property().orElseThrow(), Function.identity()));

    private SystemPropertyOptions() {}

    /** Applies every {@code clusterflock.*} property, in the order of their names. */
    static void apply(ClusterOptions.Builder builder, Properties properties) {
        List<String> names = properties.stringPropertyNames().stream()
                .filter(name -> name.startsWith(Option.PROPERTY_PREFIX)).sorted().toList();
        for (String name : names) {
            Option<?> option = BY_PROPERTY.get(name);
            if (option == null) {
                throw unknown(name.substring(Option.PROPERTY_PREFIX.length()));
            }
            builder.setText(option, properties.getProperty(name), Spelling.PROPERTY);
        }
    }

    private static OptionException unknown(String option) {
        List<String> known = Options.ALL.stream().filter(o -> o.property().isPresent()).map(Option::name).sorted().toList();
        return new OptionException(Refusal.unknown(option, known), Spelling.PROPERTY);
    }
}
