package io.patgate.support;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real Chromium, headless, driven through chromedriver, looking at patgate the way a person does:
 * fields found by their visible labels, buttons by their names. Debian's packages, with their paths given
 * explicitly, so nothing is ever downloaded. A missing browser fails the test: it never skips.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of(System.getProperty("patgate.test.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER =
            Path.of(System.getProperty("patgate.test.chromedriver", "/usr/bin/chromedriver"));
    /** Committed, and shown in the README and docs/using.md. */
    public static final Path SCREENSHOTS = Path.of("docs", "screenshots");

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Dimension WINDOW = new Dimension(1440, 1000);

    /** The browser the tests of this JVM share (see {@link #forTest}); null until the first asks. */
    private static Browser shared;

    private final ChromeDriver driver;
    private String base;
    private final Path profile;

    private Browser(ChromeDriver driver, String base, Path profile) {
        this.driver = driver;
        this.base = withoutSlash(base);
        this.profile = profile;
    }

    private static String withoutSlash(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /**
     * A browser for one test, as a fresh one looks to a page: the one this JVM's browser tests share, emptied of what
     * the last test left (every cookie, whatever origin set it; the storage, cache and service workers of patgate's
     * origin; other windows; an open alert; the console) and back at 1440x1000 on a blank page. Starting Chromium and
     * chromedriver takes one to two seconds on a shared machine, for each of some thirty tests. Closed when the JVM
     * ends; a browser that no longer answers is replaced by a new one.
     */
    public static synchronized Browser forTest(URL base) {
        if (shared != null) {
            try {
                shared.reset(base.toString());
                return shared;
            } catch (RuntimeException gone) {
                shared.close();
                shared = null;
            }
        }
        shared = open(base);
        Browser started = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        return shared;
    }

    private void reset(String newBase) {
        try {
            driver.switchTo().alert().dismiss();
        } catch (org.openqa.selenium.NoAlertPresentException none) {
            // the usual case
        }
        List<String> windows = new ArrayList<>(driver.getWindowHandles());
        for (String window : windows.subList(1, windows.size())) {
            driver.switchTo().window(window).close();
        }
        driver.switchTo().window(windows.get(0));
        driver.get("about:blank");
        driver.executeCdpCommand("Network.clearBrowserCookies", java.util.Map.of());
        driver.executeCdpCommand("Network.clearBrowserCache", java.util.Map.of());
        for (String origin : List.of(base, withoutSlash(newBase))) {
            driver.executeCdpCommand(
                    "Storage.clearDataForOrigin", java.util.Map.of("origin", origin, "storageTypes", "all"));
        }
        driver.manage().window().setSize(WINDOW);
        driver.manage().logs().get(LogType.BROWSER); // read and dropped: the next test's console starts empty
        base = withoutSlash(newBase);
    }

    /** A fresh browser (its own empty profile) at 1440x1000. */
    public static Browser open(URL base) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("The browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "): apt-get install chromium chromium-driver, or run .ci/run, which installs them");
        }
        try {
            Path profile = Files.createTempDirectory("patgate-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--window-size=1440,1000",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-quic",
                    "--disable-extensions",
                    "--lang=en-US",
                    "--user-data-dir=" + profile);
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            return new Browser(driver, base.toString(), profile);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    public Browser go(String path) {
        driver.get(base + path);
        return this;
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Waits for the condition; on a time-out, fails with what the page showed and logged, to see why. */
    public <T> T waitUntil(Function<ChromeDriver, T> condition) {
        try {
            return new WebDriverWait(driver, WAIT)
                    .ignoring(StaleElementReferenceException.class)
                    .until(d -> condition.apply(driver));
        } catch (org.openqa.selenium.TimeoutException e) {
            List<String> logged = console().stream().map(LogEntry::getMessage).toList();
            throw new AssertionError(
                    "Waited " + WAIT.toSeconds() + " s in vain at " + url() + "\n--- the page shows:\n" + text()
                            + "\n--- the console has:\n" + String.join("\n", logged),
                    e);
        }
    }

    // ---- finding things as a person does ----

    /** The control whose visible label is exactly {@code label}, inside {@code scope}. */
    public WebElement field(SearchContext scope, String label) {
        WebElement labelElement = waitUntil(
                d -> visible(scope.findElements(By.xpath(".//label[normalize-space()=" + literal(label) + "]"))));
        return driver.findElement(By.id(labelElement.getDomAttribute("for")));
    }

    public WebElement field(String label) {
        return field(top(), label);
    }

    /** A visible button (or link styled as one) whose text is exactly {@code name}, inside {@code scope}. */
    public WebElement button(SearchContext scope, String name) {
        return waitUntil(d -> visible(scope.findElements(By.xpath(".//button[normalize-space()=" + literal(name)
                + "] | .//a[contains(@class,'button') and normalize-space()=" + literal(name) + "]"))));
    }

    public WebElement button(String name) {
        return button(top(), name);
    }

    public WebElement link(String text) {
        return waitUntil(d -> visible(top().findElements(By.xpath(".//a[normalize-space()=" + literal(text) + "]"))));
    }

    public List<WebElement> links(String text) {
        return driver.findElements(By.xpath("//a[normalize-space()=" + literal(text) + "]"));
    }

    public WebElement heading(String text) {
        return waitUntil(d -> visible(top().findElements(By.xpath(".//h1[normalize-space()=" + literal(text) + "]"))));
    }

    /** The open modal dialog on top, if any; else the page. */
    public SearchContext top() {
        List<WebElement> open = driver.findElements(By.cssSelector("dialog[open]"));
        return open.isEmpty() ? driver : open.get(open.size() - 1);
    }

    /** Waits for an open dialog whose title is {@code title}, and returns it. */
    public WebElement dialog(String title) {
        return waitUntil(d ->
                visible(d.findElements(By.xpath("//dialog[@open][.//h2[normalize-space()=" + literal(title) + "]]"))));
    }

    public boolean dialogOpen() {
        return !driver.findElements(By.cssSelector("dialog[open]")).isEmpty();
    }

    /** The table row of the token (or user) named {@code name}. */
    public WebElement row(String name) {
        return waitUntil(d -> visible(d.findElements(
                By.xpath("//tbody/tr[.//*[contains(@class,'token-name') or self::strong][normalize-space()="
                        + literal(name) + "]]"))));
    }

    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    public void waitForText(String text) {
        waitUntil(d -> text().contains(text) ? Boolean.TRUE : null);
    }

    /** Sets a control's value as typing would (clears it first). */
    public void type(WebElement control, String value) {
        control.clear();
        control.sendKeys(value);
    }

    /** Sets a value the keyboard cannot type portably (a date input), firing the events a person's input fires. */
    public void setValue(WebElement control, String value) {
        js(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
                        + "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                control,
                value);
    }

    public void select(WebElement select, String visibleText) {
        new org.openqa.selenium.support.ui.Select(select).selectByVisibleText(visibleText);
    }

    // ---- evidence ----

    /**
     * Saves a screenshot to docs/screenshots/{name}.png: the whole page from its top (the window grows to
     * the page's height, up to 2400 px, for the picture), or the viewport when a dialog is open.
     */
    public void screenshot(String name) {
        Dimension before = driver.manage().window().getSize();
        try {
            Files.createDirectories(SCREENSHOTS);
            if (!dialogOpen()) {
                js(
                        "window.scrollTo(0, 0); document.activeElement && document.activeElement.blur && document.activeElement.blur()");
                long height = ((Number) js("return document.documentElement.scrollHeight")).longValue();
                long chrome = before.getHeight() - ((Number) js("return window.innerHeight")).longValue();
                driver.manage().window().setSize(new Dimension(before.getWidth(), (int)
                        Math.min(2400, Math.max(before.getHeight(), height + chrome))));
            }
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Everything the page wrote to the console, or the browser reported about it, since the last call. */
    public List<LogEntry> console() {
        return new ArrayList<>(driver.manage().logs().get(LogType.BROWSER).getAll());
    }

    /**
     * Fails on any console error (a script error, a Content-Security-Policy violation) other than the
     * failed requests listed in {@code expectedStatuses}, which the browser logs for every 4xx answer.
     */
    public void assertNoConsoleErrors(int... expectedStatuses) {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : console()) {
            if (entry.getLevel().intValue() < Level.SEVERE.intValue()) {
                continue;
            }
            String message = entry.getMessage();
            boolean expected = false;
            for (int status : expectedStatuses) {
                expected |=
                        message.contains("Failed to load resource: the server responded with a status of " + status);
            }
            if (!expected) {
                errors.add(message);
            }
        }
        assertTrue(errors.isEmpty(), "console errors: " + errors);
    }

    /** Runs axe-core on the page as it is now; fails on serious or critical violations. */
    public void assertAccessible(String what) {
        String axe = axeSource();
        js(axe);
        Object result = ((JavascriptExecutor) driver)
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)),"
                                + " e => done(JSON.stringify([{id: 'axe-failed', impact: 'critical', help: String(e), nodes: []}])));");
        List<String> serious = new ArrayList<>();
        try {
            for (JsonNode violation : JSON.readTree(String.valueOf(result))) {
                String impact = violation.path("impact").asText();
                if ("serious".equals(impact) || "critical".equals(impact)) {
                    List<String> targets = new ArrayList<>();
                    violation
                            .path("nodes")
                            .forEach(n -> targets.add(n.path("target").toString()));
                    serious.add(violation.path("id").asText() + " (" + impact + "): "
                            + violation.path("help").asText() + " at " + targets);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertTrue(serious.isEmpty(), what + ": accessibility violations: " + serious);
    }

    private static String axeSource;

    private static synchronized String axeSource() {
        if (axeSource == null) {
            try (InputStream in = Browser.class
                    .getClassLoader()
                    .getResourceAsStream("META-INF/resources/webjars/axe-core/4.6.3/axe.min.js")) {
                if (in == null) {
                    throw new IllegalStateException("axe-core is not on the test classpath");
                }
                axeSource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return axeSource;
    }

    private static WebElement visible(List<WebElement> candidates) {
        for (WebElement e : candidates) {
            if (e.isDisplayed()) {
                return e;
            }
        }
        return null;
    }

    /** An XPath string literal for any text, quotes included. */
    static String literal(String text) {
        if (!text.contains("'")) {
            return "'" + text + "'";
        }
        if (!text.contains("\"")) {
            return "\"" + text + "\"";
        }
        return "concat('" + text.replace("'", "', \"'\", '") + "')";
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory
            }
        }
    }
}
