package dev.vxcc.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waiting for a marker file a stand-in compiler writes: on file-system events, not a sleep loop. */
public final class FileEvents {
  private FileEvents() {}

  /** Returns once {@code file} exists; fails the test with {@code what} after {@code limit}. */
  public static void await(Path file, Duration limit, String what) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    try (WatchService watch = file.getFileSystem().newWatchService()) {
      file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      // Checked after registering, so a file created in between is not missed.
      while (!Files.exists(file)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail(what + ": " + file + " did not appear within " + limit);
        }
        var key = watch.poll(left, TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    }
  }
}
