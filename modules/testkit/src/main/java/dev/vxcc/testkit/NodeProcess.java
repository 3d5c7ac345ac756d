package dev.vxcc.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@code bin/vxcc-node} JVM started the way users start it. Its output goes to a log file;
 * the "ready" line tells which ports it bound. Always stopped by pid.
 */
public final class NodeProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final Map<String, String> info;

  private NodeProcess(Process process, Path log, Map<String, String> info) {
    this.process = process;
    this.log = log;
    this.info = info;
  }

  public static NodeProcess start(Path dist, Path log, List<String> args, Map<String, String> env) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(dist.resolve("bin/vxcc-node").toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().putIfAbsent("VXCC_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    Process p = pb.start();
    Files.createDirectories(log.getParent());
    CompletableFuture<Map<String, String>> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(p, log, ready), "node-log-" + p.pid());
    pump.setDaemon(true);
    pump.start();
    try {
      Map<String, String> info = ready.get(90, TimeUnit.SECONDS);
      return new NodeProcess(p, log, info);
    } catch (Exception e) {
      Commands.killTree(p);
      throw new IOException("node did not become ready (" + e + "); log:\n" + tail(log), e);
    }
  }

  private static void pump(Process p, Path log, CompletableFuture<Map<String, String>> ready) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        var w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        w.write(line);
        w.newLine();
        w.flush();
        if (line.startsWith("vxcc-node ready:")) {
          Map<String, String> info = new HashMap<>();
          for (String kv : line.substring("vxcc-node ready:".length()).trim().split("\\s+")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
              info.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
          }
          ready.complete(info);
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
    // Output ends a moment before the process does: wait for it, or exitValue() throws.
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ready.completeExceptionally(new IOException("node exited" + (p.isAlive() ? "" : " with " + p.exitValue())));
  }

  public static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  public String info(String key) {
    String v = info.get(key);
    if (v == null) {
      throw new IllegalStateException("node did not report " + key + ": " + info);
    }
    return v;
  }

  /** The daemon's local API socket path, as VXCC_DAEMON wants it. */
  public String localApi() {
    return info("local");
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Like a crash: no goodbye to the cluster. */
  public void kill() throws InterruptedException {
    Commands.killTree(process);
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy(); // SIGTERM: the node drains and leaves
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
