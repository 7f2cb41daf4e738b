package io.clusterflock.cli;

import io.clusterflock.ClusterOptions;
import io.clusterflock.OptionException;
import io.clusterflock.internal.options.Option;
import io.clusterflock.internal.options.Options;
import io.clusterflock.internal.options.Spelling;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The flags every cluster-starting command shares, made from the core's option table
 * ({@link Options}): names, labels and help come from there, and so do the reading and checking
 * of values, so the command line, {@code -Dclusterflock.*} and the Java API refuse the same
 * values with the same words. A command takes them with {@code @Command(modelTransformer =
 * ClusterFlags.class)} and reads them with {@link #build}.
 */
final class ClusterFlags implements CommandLine.IModelTransformer {

    @Override
    public CommandSpec transform(CommandSpec command) {
        for (Option<?> option : Options.ALL) {
            if (!option.flags().isEmpty()) {
                command.addOption(flag(option));
            }
        }
        return command;
    }

    /** Values stay text here: the table reads them, so that a refusal is worded as everywhere else. */
    private static OptionSpec flag(Option<?> option) {
        OptionSpec.Builder flag = OptionSpec.builder(option.flags().toArray(String[]::new)).description(description(option));
        if (option.isSwitch()) {
            return flag.arity("0").type(boolean.class).build();
        }
        flag.paramLabel(option.label().orElseThrow()).arity("1");
        return option.repeatable() ? flag.type(List.class).auxiliaryTypes(String.class).build() : flag.type(String.class).build();
    }

    /** The help line: {@code Listen backlog: … (default: 1024).}; a switch is off unless given. */
    static String description(Option<?> option) {
        String byDefault = option.isSwitch() ? "" : option.defaultText().map(text -> " (default: " + text + ")").orElse("");
        return option.help() + byDefault + ".";
    }

    /**
     * Applies the flags given on the command line over {@code builder}'s settings and builds.
     *
     * @throws OperatorError one line naming the flag, the value and what is allowed
     */
    static ClusterOptions build(ParseResult parsed, ClusterOptions.Builder builder) {
        try {
            for (Option<?> option : Options.ALL) {
                OptionSpec given = option.flags().isEmpty() ? null : parsed.matchedOption(option.flag());
                if (given != null) {
                    apply(builder, option, option.isSwitch() ? List.of("true") : given.stringValues());
                }
            }
            return builder.build();
        } catch (OptionException e) {
            throw new OperatorError(e.describeAs(Spelling.FLAG));
        }
    }

    private static <T> void apply(ClusterOptions.Builder builder, Option<T> option, List<String> texts) {
        for (String text : texts) {
            option.set(builder, option.parse(text));
        }
    }
}
