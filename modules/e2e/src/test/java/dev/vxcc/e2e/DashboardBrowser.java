package dev.vxcc.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
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

  List<String> attributes(String css, String attribute) {
    return driver.findElements(By.cssSelector(css)).stream().map(e -> e.getDomAttribute(attribute)).toList();
  }

  String text(String css) {
    List<WebElement> found = driver.findElements(By.cssSelector(css));
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  void screenshot(Path to) throws java.io.IOException {
    Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), to, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
