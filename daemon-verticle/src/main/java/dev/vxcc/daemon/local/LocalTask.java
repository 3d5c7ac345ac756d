package dev.vxcc.daemon.local;

import dev.vxcc.daemon.args.Decision;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;

/**
 * A compile the delegate is distributing for one wrapper. Confined to the delegate's event loop.
 * The directive promise completes with what the wrapper must do next once the remote side is done.
 */
final class LocalTask {
  final String id;
  /** The wrapper that asked, as the socket said: only it may submit, wait for or abandon this task. */
  final long pid;
  final int uid;
  final PeerIdentity owner;
  final Path compiler;
  final String compilerDigest;
  final Decision.Remote decision;
  final boolean disallowCacheFill;
  final long createdAt;
  final Cancellation cancel = new Cancellation();
  /** 0 while the first preprocessing recipe runs, 1 for the fallback. */
  int preprocessAttempt;
  /** False for VXCC_CACHE_CONTROL 0 (cache off) and 2 (fill only). */
  boolean cacheRead = true;
  /** The wrapper's SOURCE_DATE_EPOCH, or "". */
  String sourceDateEpoch = "";
  /** Source-tree tasks: the caller's locale variables (TreeTask.ENV_NAMES), as NAME=value. */
  java.util.List<String> locale = java.util.List.of();
  /** Checkout root whose paths task keys ignore where objects cannot show them; "" for none. */
  String baseDir = "";
  Promise<Buffer> directive;
  /** When the last preprocess directive went out ({@link dev.vxcc.daemon.PhaseTimes#now()}). */
  long preprocessSentNanos;
  /** Direct mode's lookup, to record a manifest after a clean compile; null when off. */
  DirectMode.Probe direct;
  /**
   * The same invocation as a source tree, for redoing a preprocessed-text compile that printed
   * something; empty when there is none (already a tree, or source trees off).
   */
  java.util.function.Supplier<java.util.Optional<Decision.Remote>> treeRecipe = java.util.Optional::empty;
  /** sourceTreeFirst: the preprocessed-text decision, for when no servant takes the tree; null otherwise. */
  Decision.Remote textRecipe;
  /** The task key does not depend on the checkout directory (set on a worker before use). */
  volatile boolean checkoutIndependent;

  /** The same compile under another recipe and task id, for the wrapper's next run: what it inherits is the caller's. */
  LocalTask followUp(String newId, Decision.Remote recipe) {
    LocalTask nt = new LocalTask(newId, owner, compiler, compilerDigest, recipe, disallowCacheFill, createdAt);
    nt.cacheRead = cacheRead;
    nt.sourceDateEpoch = sourceDateEpoch;
    nt.locale = locale;
    nt.baseDir = baseDir;
    nt.direct = direct;
    return nt;
  }

  LocalTask(String id, PeerIdentity owner, Path compiler, String compilerDigest, Decision.Remote decision, boolean disallowCacheFill, long createdAt) {
    this.id = id;
    this.owner = owner;
    this.pid = owner.pid();
    this.uid = owner.uid();
    this.compiler = compiler;
    this.compilerDigest = compilerDigest;
    this.decision = decision;
    this.disallowCacheFill = disallowCacheFill;
    this.createdAt = createdAt;
  }
}
