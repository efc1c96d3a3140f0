package dev.tokenledger.admin;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Usage export cells cannot run as spreadsheet formulas (OWASP CSV injection) and stay valid RFC 4180. */
class UsageExportCellsTest {

    /** Formula prefixes are neutralised; numbers and plain text stay as they are (quoted only for RFC 4180). */
    static Stream<Arguments> cells() {
        return Stream.of(
                arguments("formula", "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
                arguments("formula", "+1+cmd|' /C calc'!A0", "\"'+1+cmd|' /C calc'!A0\""),
                arguments("formula", "-2+3", "\"'-2+3\""),
                arguments("formula", "@SUM(A1)", "\"'@SUM(A1)\""),
                arguments("formula", "\t=1", "\"'\t=1\""),
                arguments("formula", "\r=1", "\"'\r=1\""),
                arguments("number", "-0.000123", "-0.000123"),
                arguments("number", "42", "42"),
                arguments("text", "gpt-4o-mini", "gpt-4o-mini"),
                arguments("text", "a,b", "\"a,b\""));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cells")
    void cellIsWrittenSafely(String kind, String cell, String written) {
        assertEquals(written, UsageResource.csvCell(cell));
    }
}
