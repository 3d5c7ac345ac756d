package dev.vxcc.common.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The meters one verticle instance registered, removed together when it stops. Micrometer hands an
 * existing meter back to whoever registers the same name and tags, so a redeployed role whose old
 * function meters stayed registered would report its predecessor's dead counters forever.
 */
public final class MeterSet implements AutoCloseable {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  /** Function counters hold their source weakly: a lambda nobody else keeps would vanish at the next GC. */
  private final List<DoubleSupplier> sources = new ArrayList<>();

  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
      Duration.ofMinutes(5), Duration.ofMinutes(10)};

  public MeterSet(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A monotonic count read from the role's own counter (name without prefix and without _total). */
  public synchronized void count(String name, String help, DoubleSupplier value, String... tags) {
    sources.add(value);
    meters.add(FunctionCounter.builder(Meters.PREFIX + name, value, DoubleSupplier::getAsDouble)
        .description(help).tags(Tags.of(tags)).register(registry));
  }

  public synchronized void gauge(String name, String help, DoubleSupplier value, String... tags) {
    meters.add(Gauge.builder(Meters.PREFIX + name, value, DoubleSupplier::getAsDouble)
        .description(help).tags(Tags.of(tags)).strongReference(true).register(registry));
  }

  public synchronized Counter counter(String name, String help, String... tags) {
    Counter c = Counter.builder(Meters.PREFIX + name).description(help).tags(Tags.of(tags)).register(registry);
    meters.add(c);
    return c;
  }

  /**
   * A latency histogram with a few fixed buckets from a millisecond to ten minutes (compiles and waits
   * both fit); Micrometer's own percentile histogram would add some 70 lines per timer to every scrape.
   */
  public synchronized Timer timer(String name, String help, String... tags) {
    Timer t = Timer.builder(Meters.PREFIX + name).description(help).tags(Tags.of(tags))
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
    meters.add(t);
    return t;
  }

  @Override
  public synchronized void close() {
    meters.forEach(registry::remove);
    meters.clear();
    sources.clear();
  }
}
