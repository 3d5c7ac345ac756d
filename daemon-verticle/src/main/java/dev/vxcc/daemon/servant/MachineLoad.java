package dev.vxcc.daemon.servant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Busy CPUs and memory, from /proc. Load is measured from idle-time deltas over a short window
 * rather than the 1-minute load average, which lags far behind a build starting or stopping.
 *
 * <p>{@link #sample} reads files and runs on a worker; the heartbeat and admission, on the event
 * loop, only read the last sample.
 *
 * <p>Each sample also notes how many of our own tasks ran, so that the load that is not ours can be
 * told apart over the same window ({@link #foreignCpus}): the scheduler cannot do that with the tasks
 * running now, since a window of a burst that just ended is busy with tasks that are gone.
 */
public final class MachineLoad {
  private static final int WINDOW = 15;
  private final int cpus;
  private final InstantSource clock;
  /** Idle plus iowait seconds of all CPUs since boot, or NaN when unknown. */
  private final DoubleSupplier idleSeconds;
  /** Each sample: time (s), idle seconds, our own tasks running. */
  private final Deque<double[]> samples = new ArrayDeque<>();
  private volatile long[] memory = {0, 0};

  public MachineLoad(InstantSource clock) {
    this(clock, MachineLoad::procIdleSeconds, Runtime.getRuntime().availableProcessors());
  }

  MachineLoad(InstantSource clock, DoubleSupplier idleSeconds, int cpus) {
    this.clock = clock;
    this.idleSeconds = idleSeconds;
    this.cpus = cpus;
  }

  /** As {@link #sample(int)} before any task of ours can run. */
  public void sample() {
    sample(0);
  }

  /**
   * Blocking but cheap (two small /proc reads); call once a second, from a worker.
   *
   * @param ownTasks how many tasks the scheduler granted us run now (counted on the event loop)
   */
  public void sample(int ownTasks) {
    double now = clock.millis() / 1000.0;
    memory = readMemory();
    double idle = idleSeconds.getAsDouble();
    if (Double.isNaN(idle)) {
      // No /proc (not Linux): report no foreign load rather than fail heartbeats.
      return;
    }
    synchronized (samples) {
      samples.addLast(new double[] {now, idle, ownTasks});
      while (samples.size() > WINDOW + 1) {
        samples.removeFirst();
      }
    }
  }

  private static double procIdleSeconds() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      return (Long.parseLong(f[4]) + Long.parseLong(f[5])) / 100.0; // idle + iowait, USER_HZ=100
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
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

  /**
   * Busy CPUs over the window less our own tasks over the same window (each counted as one CPU), 0..cpus:
   * what the scheduler must leave to others. Our tasks that wait on I/O count as fully busy, which errs
   * towards granting.
   */
  public double foreignCpus() {
    double own;
    synchronized (samples) {
      if (samples.size() < 2) {
        return 0;
      }
      double sum = 0;
      int n = 0;
      boolean first = true;
      for (double[] s : samples) {
        if (!first) {
          sum += s[2];
          n++;
        }
        first = false;
      }
      own = sum / n;
    }
    return Math.max(0, busyCpus() - own);
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
