package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.testkit.Toolchains;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Admission and the heartbeat read the last sample; only {@code sample()} touches /proc. */
class MachineLoadTest {
  private final AtomicLong nowMs = new AtomicLong(1_000_000);
  private final MachineLoad load = new MachineLoad(() -> Instant.ofEpochMilli(nowMs.get()));

  @Test
  void beforeTheFirstSampleNothingIsKnownAndNothingIsRefused() {
    assertArrayEquals(new long[] {0, 0}, load.memory());
    assertEquals(0, load.availableMemory(), "0 means unknown: admission does not refuse on it");
    assertEquals(0, load.busyCpus());
  }

  @Test
  void samplesGiveMemoryAndBusyCpusWithinTheMachine() {
    Toolchains.require(Files.isReadable(Path.of("/proc/meminfo")) && Files.isReadable(Path.of("/proc/stat")), "Linux /proc (CI is Debian)");
    load.sample();
    long[] mem = load.memory();
    assertTrue(mem[0] > 0 && mem[1] > 0 && mem[1] <= mem[0], "total and available: " + mem[0] + ", " + mem[1]);
    assertEquals(mem[1], load.availableMemory());
    nowMs.addAndGet(1_000);
    load.sample();
    assertTrue(load.busyCpus() >= 0 && load.busyCpus() <= load.cpus(), "busy " + load.busyCpus());
  }

  @Test
  void theClockIsTheInjectedOne() {
    // Two samples at the same instant make no window, whatever the real time does.
    MachineLoad frozen = new MachineLoad(InstantSource.fixed(Instant.EPOCH));
    frozen.sample();
    frozen.sample();
    assertEquals(0, frozen.busyCpus());
  }
}
