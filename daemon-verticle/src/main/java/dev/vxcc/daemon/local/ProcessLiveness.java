package dev.vxcc.daemon.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Is a wrapper process still there? Reads /proc, where a zombie still has an entry but is dead. */
public final class ProcessLiveness {
  private ProcessLiveness() {}

  public static boolean alive(long pid) {
    return alive(Path.of("/proc", Long.toString(pid), "status"));
  }

  static boolean alive(Path statusFile) {
    try {
      for (String line : Files.readAllLines(statusFile)) {
        if (line.startsWith("State:")) {
          String state = line.substring(6).trim();
          return !(state.startsWith("Z") || state.startsWith("X") || state.startsWith("x"));
        }
      }
      // No State line is odd but not proof of death; keep the permission rather than crash.
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
