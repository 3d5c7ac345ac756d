package dev.vxcc.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MeterSetTest {
  @Test
  void functionCountersReadTheirSourceEvenAfterGarbageCollection() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MeterSet set = new MeterSet(registry);
    AtomicLong hits = new AtomicLong(41);
    // A fresh lambda that only the meter knows: Micrometer keeps it weakly.
    set.count("hits", "h", () -> hits.get(), "tier", "l1");
    hits.incrementAndGet();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    assertEquals(42.0, registry.get("vxcc_hits").tag("tier", "l1").functionCounter().count());
  }

  @Test
  void closeRemovesEveryMeterSoARedeployedRoleRegistersFreshOnes() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MeterSet first = new MeterSet(registry);
    first.count("tasks", "t", () -> 5);
    first.timer("wait", "w").record(Duration.ofMillis(3));
    first.close();
    assertNull(registry.find("vxcc_tasks").functionCounter());
    assertNull(registry.find("vxcc_wait").timer());
    MeterSet second = new MeterSet(registry);
    second.count("tasks", "t", () -> 7);
    assertEquals(7.0, registry.get("vxcc_tasks").functionCounter().count());
  }
}
