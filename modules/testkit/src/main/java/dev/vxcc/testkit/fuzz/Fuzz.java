package dev.vxcc.testkit.fuzz;

import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Assertions;

/**
 * A small seeded property runner on plain JUnit 5: every try draws its input from its own
 * {@link Random} seeded with (run seed, property name, try index), so a failure names the one try
 * to replay, and a CI run is the same every time. A watchdog fails a try that runs too long and a
 * per-try allocation bound catches inputs that make the code under test allocate far more than
 * they weigh (a length field believed before it was checked).
 *
 * <p>System properties: {@value #TRIES} replaces the per-property count of {@value #CI_TRIES}
 * (the soak script raises it), {@value #SEED} the fixed seed, and {@value #ONLY_TRY} replays
 * one try of a failure report; {@value #MAX_FAILURES} keeps going after failures and lists them.
 */
public final class Fuzz {
  public static final String TRIES = "vxcc.fuzz.tries";
  public static final String SEED = "vxcc.fuzz.seed";
  public static final String ONLY_TRY = "vxcc.fuzz.try";
  /** With this set, a run goes on after a failure and reports up to this many of them (soak runs). */
  public static final String MAX_FAILURES = "vxcc.fuzz.maxFailures";
  /** CI's count per property, from the issue: at least 10,000 cases each. */
  public static final int CI_TRIES = 10_000;
  private static final long FIXED_SEED = 0x76786363L; // "vxcc"
  private static final long TRY_TIMEOUT_MS = 10_000;

  private final String name;
  private int divisor = 1;
  private long maxAllocatedBytes = -1;
  private ToLongFunction<Object> allocationBudget;

  private Fuzz(String name) {
    this.name = name;
  }

  public static Fuzz property(String name) {
    return new Fuzz(name);
  }

  /**
   * Runs a fraction of {@link #tries()}: for properties that touch the file system, which cost a
   * hundred times more per try; a pure property next to them must cover the same check at full count.
   */
  public Fuzz fraction(int divisor) {
    this.divisor = divisor;
    return this;
  }

  /** Fails a try that allocates more than {@code bytes} on its thread (input generation excluded). */
  public Fuzz maxAllocatedBytes(long bytes) {
    this.maxAllocatedBytes = bytes;
    return this;
  }

  /** Like {@link #maxAllocatedBytes(long)}, with the bound computed from the input. */
  @SuppressWarnings("unchecked")
  public <T> Fuzz allocationBudget(ToLongFunction<T> budget) {
    this.allocationBudget = (ToLongFunction<Object>) budget;
    return this;
  }

  public static int tries() {
    return Integer.getInteger(TRIES, CI_TRIES);
  }

  /** Runs the property over {@link #tries()} inputs; the first failure fails the test with the input. */
  public <T> void check(Gen<T> gen, Consumer<? super T> property) {
    long seed = Long.getLong(SEED, FIXED_SEED);
    Integer only = Integer.getInteger(ONLY_TRY);
    int tries = Math.max(1, tries() / divisor);
    int maxFailures = Integer.getInteger(MAX_FAILURES, 1);
    java.util.List<AssertionError> failures = new java.util.ArrayList<>();
    AtomicReference<Object> current = new AtomicReference<>();
    AtomicInteger index = new AtomicInteger(-1);
    AtomicLong started = new AtomicLong(System.nanoTime());
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-" + name);
      t.setDaemon(true); // a hung try must not keep the test JVM alive
      return t;
    });
    try {
      Future<?> run = runner.submit(() -> {
        for (int i = only != null ? only : 0; i < (only != null ? only + 1 : tries); i++) {
          Random random = new Random(seed ^ (name.hashCode() * 0x9E3779B97F4A7C15L) ^ (i * 0xBF58476D1CE4E5B9L));
          T input = gen.next(random);
          current.set(input);
          index.set(i);
          started.set(System.nanoTime());
          long before = threads.getCurrentThreadAllocatedBytes();
          try {
            property.accept(input);
          } catch (Throwable e) {
            AssertionError failure = new AssertionError(describe(seed, i, input) + ": " + e, e);
            if (failures.size() + 1 >= maxFailures) {
              failures.forEach(failure::addSuppressed);
              throw failure;
            }
            failures.add(failure);
            continue;
          }
          long allocated = threads.getCurrentThreadAllocatedBytes() - before;
          long bound = allocationBudget != null ? allocationBudget.applyAsLong(input) : maxAllocatedBytes;
          if (bound >= 0 && allocated > bound) {
            // The first runs of a code path also pay for class loading and call-site linkage: measure again, warm.
            before = threads.getCurrentThreadAllocatedBytes();
            rerun(property, input);
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
          }
          if (bound >= 0 && allocated > bound) {
            throw new AssertionError(describe(seed, i, input) + ": allocated " + allocated + " bytes, bound " + bound);
          }
        }
        if (!failures.isEmpty()) {
          AssertionError all = new AssertionError(failures.size() + " failures of property '" + name + "', first: "
              + failures.get(0).getMessage());
          failures.forEach(all::addSuppressed);
          throw all;
        }
        return null;
      });
      long t0 = System.nanoTime();
      while (true) {
        try {
          run.get(200, TimeUnit.MILLISECONDS);
          // Surefire keeps this in the test's -output.txt; bench/fuzz.sh lists it.
          System.out.println("fuzz property '" + name + "': " + (only != null ? 1 : tries) + " tries, seed " + seed + ", "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
          return;
        } catch (TimeoutException e) {
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started.get());
          if (ms > TRY_TIMEOUT_MS) {
            run.cancel(true);
            Assertions.fail(describe(seed, index.get(), current.get()) + ": still running after " + ms + " ms");
          }
        } catch (ExecutionException e) {
          throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    } finally {
      runner.shutdownNow();
    }
  }

  private static <T> void rerun(Consumer<? super T> property, T input) {
    try {
      property.accept(input);
    } catch (Throwable ignored) {
      // the first run passed; only its allocation is in question
    }
  }

  private String describe(long seed, int i, Object input) {
    return "property '" + name + "' failed at try " + i + " (replay: -D" + SEED + "=" + seed + " -D" + ONLY_TRY + "=" + i
        + ") for input " + Gen.show(input);
  }
}
