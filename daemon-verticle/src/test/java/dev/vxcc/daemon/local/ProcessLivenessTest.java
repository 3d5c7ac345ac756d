package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLivenessTest {
  @Test
  void thisProcessIsAlive() {
    assertTrue(ProcessLiveness.alive(ProcessHandle.current().pid()));
  }

  @Test
  void aProcessThatExitedIsDead() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    assertFalse(ProcessLiveness.alive(p.pid()));
  }

  @Test
  void zombiesAndDeadStatesCountAsDead(@TempDir Path dir) throws Exception {
    for (String state : new String[] {"Z (zombie)", "X (dead)", "x (dead)"}) {
      Path status = dir.resolve("status");
      Files.writeString(status, "Name:\tcc1plus\nState:\t" + state + "\nPid:\t42\n");
      assertFalse(ProcessLiveness.alive(status), state);
    }
  }

  @Test
  void runningAndSleepingAreAlive(@TempDir Path dir) throws Exception {
    Path status = dir.resolve("status");
    Files.writeString(status, "Name:\tg++\nState:\tS (sleeping)\n");
    assertTrue(ProcessLiveness.alive(status));
  }

  @Test
  void aStatusWithoutStateIsNotMistakenForDeath(@TempDir Path dir) throws Exception {
    Path status = dir.resolve("status");
    Files.writeString(status, "Name:\tg++\n");
    assertTrue(ProcessLiveness.alive(status));
  }
}
