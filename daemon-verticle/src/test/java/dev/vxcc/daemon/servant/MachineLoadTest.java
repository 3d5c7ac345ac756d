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
  void aBurstOfOurOwnTasksThatJustEndedIsNotAStrangersLoad() {
    double[] idle = {0};
    MachineLoad eight = new MachineLoad(() -> Instant.ofEpochMilli(nowMs.get()), () -> idle[0], 8);
    // 15 s with 6 of 8 CPUs busy while 5 of our tasks ran, then our tasks are gone.
    for (int s = 0; s <= 15; s++) {
      eight.sample(s < 15 ? 5 : 0);
      nowMs.addAndGet(1_000);
      idle[0] += 2;
    }

    assertEquals(6, eight.busyCpus(), 1e-9);
    // The window's average of our tasks is 14 x 5 / 15; counting only the tasks running now (none)
    // would call all 6 busy CPUs someone else's for the next 15 s.
    assertEquals(6 - 14 * 5 / 15.0, eight.foreignCpus(), 1e-9);
  }

  @Test
  void foreignLoadIsNeverNegativeNorKnownBeforeAWindow() {
    double[] idle = {0};
    MachineLoad two = new MachineLoad(() -> Instant.ofEpochMilli(nowMs.get()), () -> idle[0], 2);
    two.sample(2);
    assertEquals(0, two.foreignCpus());
    nowMs.addAndGet(1_000);
    idle[0] += 1.5;  // our 2 tasks waited on I/O: only half a CPU busy
    two.sample(2);
    assertEquals(0, two.foreignCpus());
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
