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

  public MeterSet(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A monotonic count read from the role's own counter (name without prefix and without _total). */
  public synchronized void count(String name, String help, DoubleSupplier value, String... tags) {
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

  /** A latency histogram with buckets from a millisecond to ten minutes (compiles and waits both fit). */
  public synchronized Timer timer(String name, String help, String... tags) {
    Timer t = Timer.builder(Meters.PREFIX + name).description(help).tags(Tags.of(tags))
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
    meters.add(t);
    return t;
  }

  @Override
  public synchronized void close() {
    meters.forEach(registry::remove);
    meters.clear();
  }
}
