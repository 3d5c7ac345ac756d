package dev.vxcc.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A scheduler that was frozen past the cluster's failure detection stays out of the active role for a while. */
class PauseFenceTest {
  private final FakeClock clock = new FakeClock();
  private final PauseFence fence = new PauseFence(clock, 6_000, 30_000);

  @Test
  void checksOnTimeAndAShortStallFenceNothing() {
    assertEquals(0, fence.tick());
    for (int i = 0; i < 10; i++) {
      clock.advanceMs(200);
      assertEquals(0, fence.tick());
    }
    clock.advanceMs(5_000);
    assertEquals(0, fence.tick(), "a loaded machine's stall shorter than the cluster's detection");
    assertFalse(fence.fenced());
  }

  @Test
  void aLongPauseFencesTheNodeForTheFenceTimeFromWhenItResumed() {
    fence.tick();
    clock.advanceMs(20_000);
    assertEquals(20_000, fence.tick(), "SIGSTOP for 20 s, then SIGCONT");
    assertTrue(fence.fenced());
    checksFor(29_800);
    assertTrue(fence.fenced(), "still within the fence");
    checksFor(200);
    assertFalse(fence.fenced(), "free to take the role again once the cluster has had time to heal");
  }

  @Test
  void aLiftedFenceLetsTheNodeServeAtOnce() {
    fence.tick();
    clock.advanceMs(20_000);
    fence.tick();
    fence.lift();
    assertFalse(fence.fenced(), "a sole scheduler candidate keeps serving after a pause");
  }

  /** The role check's period passing, check after check. */
  private void checksFor(long ms) {
    for (long t = 0; t < ms; t += 200) {
      clock.advanceMs(200);
      assertEquals(0, fence.tick());
    }
  }
}
