package dev.tokenledger.provider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code docs/providers.md} lists every provider type with its default base URL and default price provider, and every
 * option with its default and meaning, exactly as the factories declare them.
 */
class ProviderDocTest {

    private static final Path DOC = Path.of("docs/providers.md");

    @Test
    void theProviderTablesMatchTheFactoriesDeclarations() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        Set<String> types = new TreeSet<>();
        Set<String> options = new TreeSet<>();
        for (ProviderFactory factory : ProviderFactoriesOnClasspath.instances(null)) {
            ProviderType type = factory.type();
            types.add(typeRow(type));
            for (ProviderOption option : type.options()) {
                options.add(optionRow(type, option));
            }
        }
        List<String> problems = new ArrayList<>();
        compare("Provider types", types, rows(lines, "## Provider types").stream().map(ProviderDocTest::typeKey).toList(),
                problems);
        compare("Options by type", options, rows(lines, "## Options by type"), problems);
        assertEquals("", String.join("\n", problems), DOC + " is out of step with the provider factories");
    }

    /** Type, default base URL, default price provider: the columns the declaration decides. */
    private static String typeRow(ProviderType type) {
        return "`" + type.name() + "` | " + type.defaultBaseUrl().map(u -> "`" + u + "`").orElse("required") + " | `"
                + type.defaultPriceProvider() + "`";
    }

    /** The same three columns of a documented row (the second, third and fourth cells are free text). */
    private static String typeKey(String row) {
        String[] cells = row.split(" \\| ");
        if (cells.length < 5) {
            return row;
        }
        return cells[0] + " | " + firstWord(cells[2]) + " | " + firstWord(cells[4]);
    }

    private static String optionRow(ProviderType type, ProviderOption option) {
        return "`" + type.name() + "` | `" + option.name() + "` | "
                + option.defaultValue().map(v -> "`" + v + "`").orElse("none") + " | " + option.meaning();
    }

    private static String firstWord(String cell) {
        int space = cell.indexOf(' ');
        return space < 0 ? cell : cell.substring(0, space);
    }

    /** The body rows of the first table after a heading, without the outer pipes; backticks kept. */
    private static List<String> rows(List<String> lines, String heading) {
        List<String> rows = new ArrayList<>();
        int i = lines.indexOf(heading);
        if (i < 0) {
            return rows;
        }
        while (++i < lines.size() && !lines.get(i).startsWith("|")) {
            if (lines.get(i).startsWith("## ")) {
                return rows;
            }
        }
        for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String row = lines.get(i).trim();
            rows.add(row.substring(1, row.length() - 1).trim());
        }
        return rows;
    }

    /** Compares documented rows with declared ones; option meanings are compared without their backticks. */
    private static void compare(String table, Set<String> declared, List<String> documented, List<String> problems) {
        Set<String> expected = new TreeSet<>();
        declared.forEach(r -> expected.add(withoutTicksInMeaning(r)));
        Set<String> found = new TreeSet<>();
        for (String row : documented) {
            if (!found.add(withoutTicksInMeaning(row))) {
                problems.add(table + ": listed twice: | " + row + " |");
            }
        }
        for (String row : declared) {
            if (!found.contains(withoutTicksInMeaning(row))) {
                problems.add(table + ": missing: | " + row + " |");
            }
        }
        for (String row : documented) {
            if (!expected.contains(withoutTicksInMeaning(row))) {
                problems.add(table + ": not declared by any factory: | " + row + " |");
            }
        }
    }

    /** The fourth cell of an option row (its meaning) without backticks; other rows unchanged. */
    private static String withoutTicksInMeaning(String row) {
        String[] cells = row.split(" \\| ", 4);
        if (cells.length < 4) {
            return row;
        }
        return cells[0] + " | " + cells[1] + " | " + cells[2] + " | " + cells[3].replace("`", "");
    }
}
