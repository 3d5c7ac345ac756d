package dev.vxcc.daemon.local;

import dev.vxcc.daemon.args.Decision;
import dev.vxcc.daemon.args.LocalReason;
import java.nio.file.Path;
import java.util.Map;

/** Where one compile goes, decided before anything is run or counted. */
sealed interface Verdict {
  /** Bad input: the wrapper falls back. */
  record Refused(String why) implements Verdict {}

  /** Compile on this machine, for this reason. */
  record Local(LocalReason reason, boolean lightweight) implements Verdict {}

  /** Preprocess here, then a servant (or the cache) does the rest. */
  record Remote(Path compiler, String compilerDigest, Decision.Remote decision, Map<String, String> env) implements Verdict {
    public Remote {
      env = Map.copyOf(env);
    }
  }
}
