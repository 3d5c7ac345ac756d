package dev.vxcc.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** One GET of a node's observability server, and sums over the Prometheus text it answers. */
record Scrape(int status, String body) {
  // HTTP/1.1 only: by default the JDK client asks a plain-http server to upgrade to HTTP/2 (h2c), and
  // a node's server that accepts the upgrade now and then answered frames the client could not parse
  // ("Frame type(34) ... exceeds MAX_FRAME_SIZE"); the request then hung past its own timeout, which
  // is what stalled this test on CI for its whole 15 minutes.
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** @param node host:port from the ready line's {@code metrics=} */
  static Scrape get(String node, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + node + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Scrape(r.statusCode(), r.body());
  }

  /** The sum of every sample of {@code name} whose labels contain each of {@code labels} (e.g. {@code outcome="remote"}). */
  double sum(String name, String... labels) {
    double total = 0;
    for (String line : body.lines().toList()) {
      if (line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      String metric = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
      if (!metric.equals(name) || !List.of(labels).stream().allMatch(line::contains)) {
        continue;
      }
      total += Double.parseDouble(line.substring(space + 1));
    }
    return total;
  }

  boolean has(String name) {
    return body.lines().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "));
  }
}
