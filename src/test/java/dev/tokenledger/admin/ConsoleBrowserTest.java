package dev.tokenledger.admin;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.tokenledger.testing.NodeSdk;
import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in Debian's headless Chromium, driven by Selenium through Debian's chromedriver (nothing downloaded):
 * sign in with the master key, create a key with a budget and copy it, make requests with it, see them on the spend
 * chart and in the requests table at the right cost, revoke the key, see the audit entry; then a viewer signed in with
 * an OIDC token sees only its team. Screenshots of each page go to target/console-screenshots.
 */
@QuarkusTest
@TestProfile(AdminOidcProfile.class)
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class ConsoleBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target/console-screenshots");
    /** 19 input tokens at 2.50 and 3 output tokens at 10 USD per million (OpenAiFixtures.COMPLETION, priceMockModel). */
    static final BigDecimal ONE_REQUEST = new BigDecimal("0.0000775");

    static WebDriver browser;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void browser() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "SKIPPED: the console browser test needs Debian's chromium and chromium-driver "
                        + "(apt-get install -y chromium chromium-driver); neither is downloaded");
        Files.createDirectories(SHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    static void shot(String name) throws IOException {
        File file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(file.toPath(), SHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static WebElement await(By by) {
        try {
            return new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(by));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no " + by + " on " + browser.getCurrentUrl() + ": " + browser.getPageSource(), e);
        }
    }

    void signIn(String credential) {
        browser.manage().deleteAllCookies();
        browser.get(url("/console/login"));
        browser.findElement(By.id("credential")).sendKeys(credential);
        browser.findElement(By.id("sign-in")).click();
        await(By.id("spend-chart"));
    }

    @Test
    void anAdminSeesItsKeysSpendRequestsAndAuditAndAViewerOnlyItsTeam() throws Exception {
        OpenAiFixtures.priceMockModel();
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String orgId = AdminFixtures.createOrg("console-org-" + unique);
        String teamA = AdminFixtures.createTeam("console-a-" + unique, orgId);
        String teamB = AdminFixtures.createTeam("console-b-" + unique, orgId);
        String otherKey = AdminFixtures.createKey("other-" + unique, teamB).getString("key");
        AdminFixtures.chat(otherKey);

        signIn(OpenAiFixtures.MASTER);
        shot("01-spend-empty");

        // create a key with a budget, shown once, and copy it
        browser.get(url("/console/keys"));
        String keyName = "console-key-" + unique;
        browser.findElement(By.id("key-name")).sendKeys(keyName);
        new Select(browser.findElement(By.id("key-team"))).selectByValue(teamA);
        browser.findElement(By.id("key-budget")).sendKeys("5");
        browser.findElement(By.id("create-key-button")).click();
        String key = await(By.id("new-key")).getAttribute("value");
        browser.findElement(By.id("copy-key")).click();
        assertEquals("Copied", browser.findElement(By.id("copy-key")).getText());
        assertTrue(key.startsWith("tl-") || key.length() > 20, key);
        shot("02-key-created");
        browser.navigate().refresh();
        assertFalse(browser.getPageSource().contains(key), "the key is shown once only");

        JsonPath created = AdminFixtures.master().get("/admin/v1/keys?teamId=" + teamA).jsonPath();
        String keyId = created.getString("find { it.name == '" + keyName + "' }.id");
        Map<String, Object> limits = AdminFixtures.master().get("/admin/v1/limits/key/" + keyId).jsonPath()
                .getMap("limits.budget");
        assertEquals("5", String.valueOf(limits.get("amountUsd")), "the budget was set in the same step");

        // requests with the key through the official OpenAI SDK, seen on the chart and in the requests table at the
        // right cost
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.COMPLETION)));
        for (int i = 0; i < 2; i++) {
            JsonNode answer = NodeSdk.run("openai.mjs", "chat", Map.of("TL_BASE_URL", url("/v1"), "TL_API_KEY", key));
            assertEquals("Hello there!", answer.path("text").asText(), answer.toString());
        }
        awaitLedgerRows(keyId, 2);
        BigDecimal expected = ONE_REQUEST.multiply(BigDecimal.valueOf(2));
        browser.get(url("/console/spend?groupBy=key&interval=hour"));
        WebElement top = await(By.id("top"));
        WebElement row = top.findElements(By.tagName("tr")).stream().filter(r -> r.getText().contains(keyName))
                .findFirst().orElseThrow(() -> new AssertionError("no row for the key: " + top.getText()));
        assertTrue(row.getText().contains("$" + expected.stripTrailingZeros().toPlainString()), row.getText());
        List<WebElement> bars = browser.findElements(By.cssSelector("#spend-chart rect.bar-segment"));
        assertTrue(bars.stream().anyMatch(b -> b.findElement(By.tagName("title")).getAttribute("textContent")
                .contains(keyName)), "a bar of the key");
        shot("03-spend");

        browser.get(url("/console/requests?keyId=" + keyId));
        List<WebElement> costs = await(By.id("requests")).findElements(By.cssSelector("td.cost"));
        assertEquals(2, costs.size());
        costs.forEach(c -> assertEquals("$" + ONE_REQUEST.toPlainString(), c.getText()));
        shot("04-requests");
        browser.findElement(By.cssSelector("#requests a")).click();
        await(By.id("request"));
        shot("05-request");

        // a page number past any list is an empty page of the list, not an error
        browser.get(url("/console/keys?q=" + keyName + "&page=2147483647"));
        assertTrue(browser.findElement(By.tagName("h1")).getText().contains("Keys"), browser.getPageSource());
        assertTrue(browser.findElements(By.id("key-" + keyId)).isEmpty(), "no key on a page past the list");

        // revoke, then the audit entry
        browser.get(url("/console/keys?q=" + keyName));
        browser.findElement(By.cssSelector("#key-" + keyId + " button.revoke")).click();
        browser.switchTo().alert().accept();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#key-" + keyId + " .status"), "revoked"));
        browser.get(url("/console/audit?entityType=key&entityId=" + keyId));
        String audit = await(By.id("audit")).getText();
        assertTrue(audit.contains("revoke") && audit.contains("master-key") && audit.contains("via console"), audit);
        assertFalse(audit.contains(key), "no key in the audit log");
        shot("06-audit");
        // rotate a key with an overlap: the new key is shown once, the old one works until the overlap ends
        String rotating = AdminFixtures.createKey("rotating-" + unique, teamA).getString("id");
        browser.get(url("/console/keys?q=rotating-" + unique));
        new Select(browser.findElement(By.id("overlap-" + rotating))).selectByValue("3600");
        browser.findElement(By.cssSelector("#key-" + rotating + " button.rotate")).click();
        browser.switchTo().alert().accept();
        String replacement = await(By.id("new-key")).getAttribute("value");
        String oldRow = browser.findElement(By.cssSelector("#key-" + rotating + " .status")).getText();
        assertTrue(oldRow.startsWith("active until"), oldRow);
        shot("06-key-rotated");
        AdminFixtures.chat(replacement);
        JsonPath old = AdminFixtures.master().get("/admin/v1/keys/" + rotating).jsonPath();
        assertEquals("active", old.getString("status"));
        Duration left = Duration.between(java.time.OffsetDateTime.now(),
                java.time.OffsetDateTime.parse(old.getString("expiresAt")));
        assertTrue(left.toMinutes() >= 55 && left.toMinutes() <= 60, left.toString());
        // during its overlap the old key is marked as replaced and offers no second rotation (the API refuses one with
        // a 409, KeyRotationTest); its replacement can be rotated
        browser.get(url("/console/keys?q=rotating-" + unique));
        String replacedRow = await(By.cssSelector("#key-" + rotating + " .status")).getText();
        assertTrue(replacedRow.contains("replaced by a new key"), replacedRow);
        assertTrue(browser.findElements(By.cssSelector("#key-" + rotating + " button.rotate")).isEmpty(),
                "no Rotate button on a key already rotated");
        assertEquals(2, browser.findElements(By.cssSelector("#keys tbody tr")).size(), "the old key and its replacement");
        assertEquals(1, browser.findElements(By.cssSelector("#keys tbody tr button.rotate")).size(),
                "the replacement offers its Rotate button");
        shot("06-key-rotated-replaced");
        for (String page : List.of("limits", "deployments", "prices")) {
            browser.get(url("/console/" + page));
            await(By.id(page));
            shot("07-" + page);
        }
    }

    /** Waits for a key's ledger rows (written in batches off the response path). */
    static void awaitLedgerRows(String keyId, int rows) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (AdminFixtures.master().get("/admin/v1/ledger?keyId=" + keyId).jsonPath().getList("rows").size() >= rows) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("fewer than " + rows + " ledger rows for key " + keyId);
    }

    /** A viewer signed in with an OIDC access token sees only its own team. */
    @Test
    void aViewerSeesOnlyItsTeam() throws Exception {
        OpenAiFixtures.priceMockModel();
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String orgId = AdminFixtures.createOrg("console-org-" + unique);
        String teamA = AdminFixtures.createTeam("console-a-" + unique, orgId);
        String teamB = AdminFixtures.createTeam("console-b-" + unique, orgId);
        String keyName = "console-key-" + unique;
        AdminFixtures.chat(AdminFixtures.createKey(keyName, teamA).getString("key"));
        AdminFixtures.chat(AdminFixtures.createKey("other-" + unique, teamB).getString("key"));

        // a viewer of team A sees only team A
        signIn(OidcTokens.token("vera", Set.of(AdminScope.VIEWER), List.of(teamA)));
        browser.get(url("/console/spend?groupBy=team"));
        String spend = await(By.id("top")).getText();
        assertTrue(spend.contains("console-a-" + unique), spend);
        assertFalse(spend.contains("console-b-" + unique), spend);
        String totals = browser.findElement(By.id("totals")).getText();
        assertTrue(totals.startsWith("1 request;"), "one request of its team, in the singular: " + totals);
        shot("08-viewer-spend");
        browser.get(url("/console/keys"));
        String keys = await(By.id("keys")).getText();
        assertTrue(keys.contains(keyName) && !keys.contains("other-" + unique), keys);
        assertTrue(browser.findElements(By.id("create-key")).isEmpty(), "a viewer cannot create keys");
        browser.get(url("/console/requests"));
        String requests = await(By.id("requests")).getText();
        assertFalse(requests.contains("console-b-" + unique), requests);
        shot("09-viewer-requests");
    }
}
