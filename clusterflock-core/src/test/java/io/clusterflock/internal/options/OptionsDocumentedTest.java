package io.clusterflock.internal.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The table under "## Options" in docs/OPERATIONS.md has a row per option with a flag, with its property and default. */
class OptionsDocumentedTest {
    private static final Path OPERATIONS = Path.of("..", "docs", "OPERATIONS.md");

    static Stream<Option<?>> flagged() {
        return Options.ALL.stream().filter(option -> !option.flags().isEmpty());
    }

    /** {@code `-w`, `--workers N`}: the flags, the long one with its label. */
    private static String flagCell(Option<?> option) {
        return option.flags().stream()
                .map(flag -> "`" + flag + (flag.equals(option.flag()) ? option.label().map(label -> " " + label).orElse("") : "") + "`")
                .collect(Collectors.joining(", "));
    }

    private static Stream<String> optionsSection() throws IOException {
        return Files.readAllLines(OPERATIONS).stream().dropWhile(line -> !line.equals("## Options")).skip(1)
                .takeWhile(line -> !line.startsWith("## "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flagged")
    void eachFlagHasARowWithItsPropertyAndDefault(Option<?> option) throws IOException {
        List<String> rows = optionsSection().filter(line -> line.startsWith("| " + flagCell(option) + " |")).toList();
        assertEquals(1, rows.size(), "rows for " + flagCell(option) + " in " + OPERATIONS);
        String[] cells = rows.getFirst().split(" \\| ");
        assertEquals(option.property().map(property -> "`-D" + property + "`").orElse("—"), cells[1], "library mode");
        String byDefault = cells[2].replace("`", "");
        assertTrue(byDefault.contains(option.defaultText().orElse("—")), "default '" + byDefault + "' is not " + option.defaultText());
    }
}
