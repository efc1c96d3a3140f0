package dev.tokenledger.admin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Usage export cells cannot run as spreadsheet formulas (OWASP CSV injection) and stay valid RFC 4180. */
class UsageExportCellsTest {

    @Test
    void formulaPrefixesAreNeutralised() {
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", UsageResource.csvCell("=HYPERLINK(\"http://x\",\"y\")"));
        assertEquals("\"'+1+cmd|' /C calc'!A0\"", UsageResource.csvCell("+1+cmd|' /C calc'!A0"));
        assertEquals("\"'-2+3\"", UsageResource.csvCell("-2+3"));
        assertEquals("\"'@SUM(A1)\"", UsageResource.csvCell("@SUM(A1)"));
        assertEquals("\"'\t=1\"", UsageResource.csvCell("\t=1"));
        assertEquals("\"'\r=1\"", UsageResource.csvCell("\r=1"));
    }

    @Test
    void numbersAndPlainTextStayAsTheyAre() {
        assertEquals("-0.000123", UsageResource.csvCell("-0.000123"));
        assertEquals("42", UsageResource.csvCell("42"));
        assertEquals("gpt-4o-mini", UsageResource.csvCell("gpt-4o-mini"));
        assertEquals("\"a,b\"", UsageResource.csvCell("a,b"));
    }
}
