package dev.vxcc.daemon.local;

import dev.vxcc.common.wire.Frames;
import dev.vxcc.daemon.DaemonConfig;
import dev.vxcc.daemon.DaemonConstants;
import dev.vxcc.daemon.args.ArgumentClassifier;
import dev.vxcc.daemon.args.Decision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Which compiles that could go as preprocessed text go to a source tree instead: with
 * sourceTreeFirst every one the cluster allows (see {@link #atOnce}), else those this daemon saw
 * print (warnings, errors, main-file-as-header), whose output only a compile of the user's own
 * files at their own paths reproduces. Only while source mode is on and some servant runs source
 * trees with the compiler, so a cluster without them never pays for a dependency pass in vain.
 */
final class TreeRouting {
  private final Vertx vertx;
  private final DaemonConfig cfg;
  /** Compiler digests some servant has, and source-tree keys for those some servant runs as trees; null while unknown. */
  private final Supplier<Set<String>> clusterCompilers;
  /** Compiler digests whose text tasks this node's own servant runs in place (no network, no tree upload). */
  private final Predicate<String> inPlace;
  private final PrintingCompiles printing = new PrintingCompiles(DaemonConstants.PRINTING_COMPILES_ENTRIES);
  private final LongSupplier clock;
  /** Compiler digest to when its compiles may go as trees first again: no servant took one lately. Event loop only. */
  private final Map<String, Long> notTaken = new HashMap<>();

  TreeRouting(Vertx vertx, DaemonConfig cfg, Supplier<Set<String>> clusterCompilers, Predicate<String> inPlace, LongSupplier clock) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.clusterCompilers = clusterCompilers;
    this.inPlace = inPlace;
    this.clock = clock;
  }

  /** No servant took this compiler's tree (declined, or none could): text first for a while. */
  void treeNotTaken(String compilerDigest) {
    notTaken.put(compilerDigest, clock.getAsLong() + DaemonConstants.TREE_NOT_TAKEN_BACKOFF_MS);
  }

  private boolean treeFirst(String compilerDigest, String baseDir) {
    Long until = notTaken.get(compilerDigest);
    if (until != null && clock.getAsLong() >= until) {
      notTaken.remove(compilerDigest);
      until = null;
    }
    Set<String> available = clusterCompilers.get();
    return cfg.sourceTreeFirst() && baseDir.isEmpty() && until == null && available != null
        && available.contains(ClusterViewKeeper.onlyTreesKey(compilerDigest)) && !inPlace.test(compilerDigest);
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

  /**
   * The invocation as a source tree, for running it in place on the caller's own files (depend
   * mode): blocking, like {@link #recipe}, but marks nothing.
   */
  Supplier<Optional<Decision.Remote>> treeRecipe(Verdict.Remote r, Frames f) {
    String tool = f.text("tool", r.compiler().getFileName().toString());
    List<String> args = f.texts("arg");
    Path cwd = Path.of(f.text("cwd"));
    return () -> ArgumentClassifier.sourceTreeRecipe(tool, r.compiler(), args, cwd);
  }

  /** A compile that goes to a source tree at once, and whether because this daemon saw it print. */
  record AtOnce(Decision.Remote tree, boolean knownToPrint) {}

  /**
   * A compile this daemon saw print on the preprocessed-text path goes straight to a source tree;
   * with sourceTreeFirst every compile does, unless a base dir wants keys that ignore the checkout
   * (a tree's key names the user's paths, the text path's need not) or this node's own servant
   * would run the text in place (a tree always goes over gRPC, and the machine preprocesses twice),
   * or no servant took one of this compiler's trees lately, or some servant with the compiler runs
   * no trees (it would get none of these compiles).
   */
  Future<Optional<AtOnce>> atOnce(Verdict.Remote r, Frames f, String baseDir) {
    if (!treesFor(r)) {
      return Future.succeededFuture(Optional.empty());
    }
    boolean known = printing.printed(r.compilerDigest(), f.text("cwd"), f.texts("arg"));
    if (!known && !treeFirst(r.compilerDigest(), baseDir)) {
      return Future.succeededFuture(Optional.empty());
    }
    return vertx.executeBlocking(() -> ArgumentClassifier.sourceTreeRecipe(f.text("tool", r.compiler().getFileName().toString()),
        r.compiler(), f.texts("arg"), Path.of(f.text("cwd"))).map(tree -> new AtOnce(tree, known)), false);
  }

  private boolean treesFor(Verdict.Remote r) {
    Set<String> available = clusterCompilers.get();
    return cfg.sourceTree() && !r.decision().sourceTree() && available != null
        && available.contains(ClusterViewKeeper.sourceTreeKey(r.compilerDigest()));
  }
}
