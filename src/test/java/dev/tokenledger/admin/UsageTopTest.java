package dev.tokenledger.admin;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static dev.tokenledger.admin.AdminFixtures.master;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The top-N of a period, summed in SQL (the spend page's source), says what the plain usage aggregates say: the same
 * groups in the order of the metric with the same sums, the series of the largest few as their own per-period sums,
 * "other" as the rest of each period, and the totals; from the daily rollups (whole days) and from the ledger (hours).
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class UsageTopTest {

    static List<Map<String, Object>> usage(String groupBy, String from, String to, String interval) {
        RequestSpecification spec = master().queryParam("groupBy", groupBy).queryParam("from", from).queryParam("to", to);
        if (interval != null) {
            spec.queryParam("interval", interval);
        }
        return spec.get("/admin/v1/usage").then().statusCode(200).extract().jsonPath().getList("$");
    }

    static JsonPath top(String groupBy, String from, String to, String interval, String metric, int series) {
        return master().queryParam("groupBy", groupBy).queryParam("from", from).queryParam("to", to)
                .queryParam("interval", interval).queryParam("metric", metric).queryParam("limit", 500)
                .queryParam("series", series).get("/admin/v1/usage/top").then().statusCode(200).extract().jsonPath();
    }

    static long requests(Map<String, Object> g) {
        return ((Number) g.get("requests")).longValue();
    }

    static BigDecimal cost(Map<String, Object> g) {
        return g.get("costUsd") == null ? BigDecimal.ZERO : new BigDecimal((String) g.get("costUsd"));
    }

    /** Checks a top-N by requests against the plain aggregates of the same period; answers its top list. */
    static List<Map<String, Object>> agrees(String groupBy, String from, String to, String interval, int series) {
        JsonPath top = top(groupBy, from, to, interval, "requests", series);
        List<Map<String, Object>> totals = usage(groupBy, from, to, null);
        List<Map<String, Object>> periods = usage(groupBy, from, to, interval);

        List<Map<String, Object>> ranked = top.getList("top");
        List<Map<String, Object>> expected = totals.stream()
                .sorted(Comparator.comparingLong(UsageTopTest::requests).reversed()
                        .thenComparing(g -> (String) g.get("group"), Comparator.nullsLast(Comparator.naturalOrder())))
                .limit(500).toList();
        assertEquals(expected.stream().map(g -> g.get("group") + "=" + requests(g) + "/" + g.get("costUsd")).toList(),
                ranked.stream().map(g -> g.get("group") + "=" + requests(g) + "/" + g.get("costUsd")).toList());

        Map<String, Object> all = top.getMap("all");
        assertEquals(totals.stream().mapToLong(UsageTopTest::requests).sum(), requests(all));
        assertEquals(0, totals.stream().map(UsageTopTest::cost).reduce(BigDecimal.ZERO, BigDecimal::add)
                .compareTo(cost(all)), all.toString());

        // the largest few have their own series, equal to their per-period sums; "other" is the rest of each period
        List<String> shown = ranked.stream().limit(series).map(g -> (String) g.get("group")).toList();
        List<Map<String, Object>> lines = top.getList("series");
        for (Map<String, Object> line : lines) {
            if ("other".equals(line.get("name")) && line.get("group") == null) {
                long rest = periods.stream().filter(p -> line.get("period").equals(p.get("period"))
                        && !shown.contains(p.get("group"))).mapToLong(UsageTopTest::requests).sum();
                assertEquals(rest, requests(line), line.toString());
                continue;
            }
            assertTrue(shown.contains(line.get("group")), line + " is one of " + shown);
            Map<String, Object> same = periods.stream().filter(p -> line.get("period").equals(p.get("period"))
                    && Objects.equals(line.get("group"), p.get("group"))).findFirst().orElseThrow();
            assertEquals(requests(same), requests(line), line.toString());
            assertEquals(same.get("costUsd"), line.get("costUsd"), line.toString());
        }
        Map<String, Long> perPeriod = new HashMap<>(lines.stream().collect(Collectors.groupingBy(
                l -> (String) l.get("period"), Collectors.summingLong(UsageTopTest::requests))));
        Map<String, Long> expectedPerPeriod = periods.stream().collect(Collectors.groupingBy(
                p -> (String) p.get("period"), Collectors.summingLong(UsageTopTest::requests)));
        assertEquals(expectedPerPeriod, perPeriod, "every period's requests, once");
        return ranked;
    }

    @Test
    void theTopOfAPeriodAgreesWithItsAggregatesFromRollupsAndLedger() throws Exception {
        OpenAiFixtures.priceMockModel();
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String team = AdminFixtures.createTeam("top-" + unique, AdminFixtures.createOrg("top-org-" + unique));
        String key = AdminFixtures.createKey("top-" + unique, team).getString("key");
        for (int user = 1; user <= 4; user++) {
            for (int i = 0; i < user; i++) {
                AdminFixtures.chat(key, "top-user-" + user + "-" + unique);
            }
        }
        AdminFixtures.chat(key);

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String from = today.toString();
        String to = today.plusDays(1).toString();
        // whole days: the rollups
        List<Map<String, Object>> byUser = agrees("end_user", from, to, "day", 2);
        Map<String, Object> fourth = byUser.stream().filter(g -> ("top-user-4-" + unique).equals(g.get("group")))
                .findFirst().orElseThrow(() -> new AssertionError(byUser.toString()));
        assertEquals(4, requests(fourth));
        assertTrue(byUser.stream().noneMatch(g -> g.get("group") == null), "requests without an end user are left out");
        agrees("key", from, to, "month", 1);
        agrees("model", from, to, "day", 0);
        // hours: the ledger
        agrees("end_user", today + "T00:00:01Z", to + "T00:00:00Z", "hour", 3);
        agrees("team", today + "T00:00:01Z", to + "T00:00:00Z", "hour", 2);
    }

    @Test
    void limitsOutsideTheirRangeAreRefused() {
        for (String[] bad : List.of(new String[]{"limit", "0"}, new String[]{"limit", "501"},
                new String[]{"series", "21"}, new String[]{"metric", "latency"}, new String[]{"groupBy", "day"})) {
            JsonPath error = AdminApiHygieneTest.shaped(master().queryParam(bad[0], bad[1]).get("/admin/v1/usage/top"),
                    400);
            assertEquals(bad[0], error.getString("error.param"), error.prettify());
        }
    }
}
