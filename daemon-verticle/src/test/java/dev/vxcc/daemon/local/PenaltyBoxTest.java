package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PenaltyBoxTest {
  private final StepClock clock = new StepClock();
  private final PenaltyBox box = new PenaltyBox(clock, 15_000);

  @Test
  void aServantThatFailedUsIsAvoidedForThePenaltyAndNotLonger() {
    box.penalise("10.0.0.1:8335");
    assertTrue(box.isPenalised("10.0.0.1:8335"));
    assertFalse(box.isPenalised("10.0.0.2:8335"), "only the servant that failed");
    clock.advanceMs(14_999);
    assertTrue(box.isPenalised("10.0.0.1:8335"));
    clock.advanceMs(1);
    assertFalse(box.isPenalised("10.0.0.1:8335"), "back in use once the penalty is over");
  }

  @Test
  void failingAgainRestartsThePenalty() {
    box.penalise("s:1");
    clock.advanceMs(10_000);
    box.penalise("s:1");
    clock.advanceMs(10_000);
    assertTrue(box.isPenalised("s:1"));
  }

  @Test
  void theSchedulerIsAskedToSkipTheLatestPenalisedServantsOnly() {
    box.penalise("oldest:1");
    clock.advanceMs(1_000);
    box.penalise("older:1");
    clock.advanceMs(1_000);
    box.penalise("newest:1");
    assertEquals(List.of("newest:1", "older:1"), box.penalised(2));
    clock.advanceMs(13_500);
    assertEquals(List.of("newest:1", "older:1"), box.penalised(5), "an ended penalty is not sent, swept or not");
  }

  @Test
  void theSweepForgetsOnlyEndedPenalties() {
    box.penalise("old:1");
    clock.advanceMs(10_000);
    box.penalise("new:1");
    clock.advanceMs(5_000);
    box.sweep();
    assertEquals(1, box.size());
    assertTrue(box.isPenalised("new:1"));
  }
}
