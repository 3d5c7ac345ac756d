package dev.vxcc.daemon.servant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Busy CPUs and memory, from /proc. Load is measured from idle-time deltas over a short window
 * rather than the 1-minute load average, which lags far behind a build starting or stopping.
 *
 * <p>{@link #sample()} reads files and runs on a worker; the heartbeat and admission, on the event
 * loop, only read the last sample.
 */
public final class MachineLoad {
  private static final int WINDOW = 15;
  private final int cpus = Runtime.getRuntime().availableProcessors();
  private final InstantSource clock;
  private final Deque<double[]> samples = new ArrayDeque<>();
  private volatile long[] memory = {0, 0};

  public MachineLoad(InstantSource clock) {
    this.clock = clock;
  }

  /** Blocking but cheap (two small /proc reads); call once a second, from a worker. */
  public void sample() {
    double now = clock.millis() / 1000.0;
    memory = readMemory();
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      double idleSeconds = (Long.parseLong(f[4]) + Long.parseLong(f[5])) / 100.0; // idle + iowait, USER_HZ=100
      synchronized (samples) {
        samples.addLast(new double[] {now, idleSeconds});
        while (samples.size() > WINDOW + 1) {
          samples.removeFirst();
        }
      }
    } catch (IOException | RuntimeException e) {
      // No /proc (not Linux): report no foreign load rather than fail heartbeats.
    }
  }

  public int cpus() {
    return cpus;
  }

  /** Busy CPUs over the window, 0..cpus. */
  public double busyCpus() {
    double[] a;
    double[] b;
    synchronized (samples) {
      if (samples.size() < 2) {
        return 0;
      }
      a = samples.peekFirst();
      b = samples.peekLast();
    }
    double elapsed = b[0] - a[0];
    if (elapsed <= 0) {
      return 0;
    }
    double idle = (b[1] - a[1]) / elapsed;
    return Math.max(0, Math.min(cpus, cpus - idle));
  }

  /** [total, available] bytes at the last sample; zeros when unknown or not sampled yet. */
  public long[] memory() {
    return memory.clone();
  }

  /** Available bytes at the last sample; 0 when unknown, which admission takes as "no limit". */
  public long availableMemory() {
    return memory[1];
  }

  private static long[] readMemory() {
    long total = 0;
    long available = 0;
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
      for (String l : lines) {
        if (l.startsWith("MemTotal:")) {
          total = kib(l);
        } else if (l.startsWith("MemAvailable:")) {
          available = kib(l);
        }
      }
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
    return new long[] {total, available};
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
  }
}
