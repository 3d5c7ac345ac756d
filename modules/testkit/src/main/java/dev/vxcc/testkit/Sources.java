package dev.vxcc.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Real C/C++ projects from Debian source packages, fetched once by bench/lib/debian-source.sh. */
public final class Sources {
  private Sources() {}

  public static Path repoRoot() {
    return Path.of(System.getProperty("vxcc.root", "../..")).toAbsolutePath().normalize();
  }

  public static Path debian(String pkg) throws IOException, InterruptedException {
    Path script = repoRoot().resolve("bench/lib/debian-source.sh");
    Process p = new ProcessBuilder("bash", script.toString(), pkg).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty() || !Files.isDirectory(Path.of(out))) {
      throw new IOException("could not fetch Debian source package " + pkg + " with " + script);
    }
    return Path.of(out);
  }
}
