package dev.vxcc.daemon.local;

import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.args.ArgumentClassifier;
import dev.vxcc.daemon.args.Decision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which compiles on the preprocessed-text path go to a source tree instead: those this daemon saw
 * print (warnings, errors, main-file-as-header), whose output only a compile of the user's own
 * files at their own paths reproduces. Only while source mode is on and some servant runs source
 * trees with the compiler, so a cluster without them never pays for a dependency pass in vain.
 */
final class TreeRouting {
  private final Vertx vertx;
  private final DaemonConfig cfg;
  /** Compiler digests some servant has, and source-tree keys for those some servant runs as trees; null while unknown. */
  private final Supplier<Set<String>> clusterCompilers;
  private final PrintingCompiles printing = new PrintingCompiles(DaemonConstants.PRINTING_COMPILES_ENTRIES);

  TreeRouting(Vertx vertx, DaemonConfig cfg, Supplier<Set<String>> clusterCompilers) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.clusterCompilers = clusterCompilers;
  }

  /**
   * The invocation as a source tree, for redoing it when it prints: blocking (it parses the
   * arguments again), so only ever called on a worker. Asking for it marks the compile as one
   * that prints, so that next time it goes there at once.
   */
  Supplier<Optional<Decision.Remote>> recipe(Verdict.Remote r, Frames f) {
    if (!treesFor(r)) {
      return Optional::empty;
    }
    String tool = f.text("tool", r.compiler().getFileName().toString());
    List<String> args = f.texts("arg");
    String cwdText = f.text("cwd");
    Path cwd = Path.of(cwdText);
    return () -> {
      printing.remember(r.compilerDigest(), cwdText, args);
      return ArgumentClassifier.sourceTreeRecipe(tool, r.compiler(), args, cwd);
    };
  }

  /** A compile this daemon saw print on the preprocessed-text path goes straight to a source tree. */
  Future<Optional<Decision.Remote>> ifKnownToPrint(Verdict.Remote r, Frames f) {
    if (!treesFor(r) || !printing.printed(r.compilerDigest(), f.text("cwd"), f.texts("arg"))) {
      return Future.succeededFuture(Optional.empty());
    }
    return vertx.executeBlocking(() -> ArgumentClassifier.sourceTreeRecipe(f.text("tool", r.compiler().getFileName().toString()),
        r.compiler(), f.texts("arg"), Path.of(f.text("cwd"))), false);
  }

  private boolean treesFor(Verdict.Remote r) {
    Set<String> available = clusterCompilers.get();
    return cfg.sourceTree() && !r.decision().sourceTree() && available != null
        && available.contains(ClusterViewKeeper.sourceTreeKey(r.compilerDigest()));
  }
}
