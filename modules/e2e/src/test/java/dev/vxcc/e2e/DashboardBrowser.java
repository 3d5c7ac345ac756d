package dev.vxcc.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Debian's chromium-driver: both named by path, so
 * Selenium never looks for (or downloads) a browser or driver of its own.
 */
final class DashboardBrowser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private final ChromeDriver driver;

  private DashboardBrowser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Null when chromium or its driver is not installed (the test then skips, or fails under CI). */
  static DashboardBrowser startIfInstalled() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
      return null;
    }
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new DashboardBrowser(driver);
  }

  void open(String url) {
    driver.get(url);
  }

  int count(String css) {
    return driver.findElements(By.cssSelector(css)).size();
  }

  // Read inside the page in one script: the dashboard redraws every second, so element handles
  // taken in one call and read in the next may already be stale.
  List<String> attributes(String css, String attribute) {
    Object found = driver.executeScript(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]));", css, attribute);
    return ((List<?>) found).stream().map(o -> o == null ? null : o.toString()).toList();
  }

  String text(String css) {
    Object found = driver.executeScript("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css);
    return found == null ? "" : found.toString();
  }

  void screenshot(Path to) throws java.io.IOException {
    Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), to, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
