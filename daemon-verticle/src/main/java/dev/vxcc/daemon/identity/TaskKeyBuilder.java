package dev.vxcc.daemon.identity;

import dev.vxcc.api.v1.DriverFamily;
import dev.vxcc.common.util.ByteSearch;
import dev.vxcc.common.util.Digests;
import dev.vxcc.daemon.args.CompilerFamily;
import dev.vxcc.daemon.args.Decision;
import dev.vxcc.daemon.args.LocalReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The task digest of one remote compile, built by the delegate before it sends the task (to share
 * running tasks and to read the cache) and by the servant before it stores the result (to write
 * the cache). One code path over the same inputs: the servant takes from the delegate only what it
 * cannot know (the family the classifier settled on, the side outputs it expects, the roots to
 * normalise) and derives the rest from what it compiled, so the two keys can differ only when what
 * was compiled is not what was claimed, and then nothing is stored.
 *
 * <p>On top of {@link TaskKey}: file-as-source compiles also embed the client's file name and cwd,
 * and a source that reads the clock ({@code __DATE__}, {@code __TIME__}, {@code __TIMESTAMP__}) is
 * keyed with the submitter's {@code SOURCE_DATE_EPOCH} and never cached.
 */
public final class TaskKeyBuilder {
  /** Prefix of cache keys made from task digests (the cache accepts short lowercase prefixes). */
  public static final String CACHE_KEY_PREFIX = "cxx1-";
  private static final byte[] BASE_FILE = ascii("__BASE_FILE__");
  private static final byte[] DATE = ascii("__DATE__");
  private static final byte[] TIME = ascii("__TIME__");
  private static final byte[] TIMESTAMP = ascii("__TIMESTAMP__");
  private static final int SHORTEST_NEEDLE = DATE.length;

  private TaskKeyBuilder() {}

  /** vxcc-gdebug: the client's spelling of the source path and its cwd, both end up in the object. */
  public record FileInput(String path, String clientCwd) {}

  /**
   * Everything that decides the object.
   *
   * @param compilerPrefix the compiler's installation prefix to normalise, or null
   * @param args the arguments the servant compiles with
   * @param source the preprocessed text the servant compiles
   * @param family the classifier's family: gcc and clang expand file-name macros differently
   * @param sideOutputs suffixes of the files written besides the main output (".su")
   * @param baseDir checkout root to normalise, "" for none
   * @param fileInput null when the source goes to the compiler's stdin
   * @param sourceDateEpoch the submitter's SOURCE_DATE_EPOCH on the delegate, the one the compile ran
   *                        with on the servant; "" for none
   * @param expander this side's way to expand the text's macros, asked only when token pasting
   *                 might form a file-name macro; null for none
   */
  public record Request(String compilerDigest, Path compilerPrefix, List<String> args, String outputSuffix, byte[] source,
      String sourcePath, CompilerFamily family, List<String> sideOutputs, String baseDir, FileInput fileInput,
      String sourceDateEpoch, TaskKey.Expander expander) {
    public Request {
      args = List.copyOf(args);
      sideOutputs = List.copyOf(sideOutputs);
      baseDir = Objects.requireNonNullElse(baseDir, "");
      sourceDateEpoch = Objects.requireNonNullElse(sourceDateEpoch, "");
    }
  }

  /** Either a digest or why the source cannot be compiled remotely at all. */
  public sealed interface Outcome permits Keyed, Refused {}

  /**
   * @param sourceDateEpoch what the servant must compile with: the given epoch when the source
   *                        reads the clock, "" otherwise
   * @param cacheable false when the source reads the clock: every compile may differ
   * @param checkoutIndependent the digest is the same from any checkout directory: its paths were
   *     normalised, or it never contained any
   */
  public record Keyed(String taskDigest, String sourceDateEpoch, boolean cacheable, boolean checkoutIndependent) implements Outcome {}

  public record Refused(LocalReason reason) implements Outcome {}

  /**
   * The delegate's request: the first recipe or, after its preprocessing failed, the fallback
   * (whose text is never compiled as a file).
   */
  public static Request delegateRequest(Decision.Remote d, boolean firstRecipe, String compilerDigest, Path compilerPrefix,
      byte[] source, String baseDir, String sourceDateEpoch, TaskKey.Expander expander) {
    boolean fileAsSource = firstRecipe && d.fileAsSource();
    return new Request(compilerDigest, compilerPrefix, firstRecipe ? d.remoteArgs() : d.fallbackRemoteArgs(), d.outputSuffix(),
        source, d.sourcePath(), d.family(), d.extraOutputs(), baseDir,
        fileAsSource ? new FileInput(d.inputPath(), d.clientCwd()) : null, sourceDateEpoch, expander);
  }

  /** Blocking (hashing, perhaps a macro expansion): on a worker. */
  public static Outcome build(Request r) {
    Needles found = scan(r.source());
    if (r.family() == CompilerFamily.GCC && found.baseFile()) {
      // gcc expands __BASE_FILE__ to "" when compiling preprocessed stdin: the object would differ.
      return new Refused(LocalReason.BASE_FILE_MACRO);
    }
    TaskKey.Key taskKey = TaskKey.of(new TaskKey.Input(r.compilerDigest(), r.compilerPrefix(), r.args(), r.outputSuffix(), r.source(),
        null, r.sourcePath(), r.family(), r.sideOutputs(), r.baseDir(), r.expander()));
    String key = taskKey.hex();
    String digest = withInput(key, r.fileInput());
    // The submitter's SOURCE_DATE_EPOCH pins the clock on the servant as it would locally.
    String epoch = found.readsClock() ? r.sourceDateEpoch() : "";
    if (!epoch.isEmpty()) {
      digest = Digests.hexOfParts(digest.getBytes(StandardCharsets.UTF_8), epoch.getBytes(StandardCharsets.UTF_8));
    }
    return new Keyed(digest, epoch, !found.readsClock(), taskKey.baseNormalised() || taskKey.why().isEmpty());
  }

  /** The servant's answer to "may this clean result be stored": a cache key, or the disagreement. */
  public record StoreVerdict(String cacheKey, String mismatch) {
    public boolean store() {
      return mismatch == null;
    }
  }

  /**
   * @param compiled the request as the servant derives it from what it compiled: its own copy of
   *                 the source and arguments, the epoch it ran with, the delegate's family (null
   *                 when none was sent) and expected side outputs
   * @param claimedDigest the task digest the delegate sent
   * @param detected the family the servant's own compiler name suggests, if any
   * @param produced suffixes of the side outputs the compile actually wrote
   */
  public static StoreVerdict forStore(Request compiled, String claimedDigest, Optional<CompilerFamily> detected,
      Collection<String> produced) {
    if (compiled.family() == null) {
      return mismatch("the delegate named no compiler family");
    }
    if (detected.isPresent() && detected.get() != compiled.family()) {
      return mismatch("the delegate said " + compiled.family() + ", the compiler is " + detected.get());
    }
    if (!Set.copyOf(produced).equals(Set.copyOf(compiled.sideOutputs()))) {
      return mismatch("side outputs " + produced + " where the delegate expected " + compiled.sideOutputs());
    }
    return switch (build(compiled)) {
      case Refused r -> mismatch("a source the delegate would not send: " + r.reason().code());
      case Keyed k when !k.cacheable() -> mismatch("the source reads the clock");
      case Keyed k when !k.sourceDateEpoch().equals(compiled.sourceDateEpoch()) -> mismatch("SOURCE_DATE_EPOCH for a source that does not read the clock");
      case Keyed k when !k.taskDigest().equals(claimedDigest) -> mismatch("the delegate's digest is not the digest of what was compiled");
      case Keyed k -> new StoreVerdict(cacheKey(k.taskDigest()), null);
    };
  }

  private static StoreVerdict mismatch(String why) {
    return new StoreVerdict(null, why);
  }

  public static String cacheKey(String taskDigest) {
    return CACHE_KEY_PREFIX + taskDigest;
  }

  /** The wire's spelling of a family; UNSPECIFIED for none. */
  public static DriverFamily toWire(CompilerFamily family) {
    return family == null ? DriverFamily.DRIVER_FAMILY_UNSPECIFIED : switch (family) {
      case GCC -> DriverFamily.DRIVER_FAMILY_GCC;
      case CLANG -> DriverFamily.DRIVER_FAMILY_CLANG;
    };
  }

  /** null when the sender named none (an older delegate) or one we do not know. */
  public static CompilerFamily fromWire(DriverFamily family) {
    return switch (family) {
      case DRIVER_FAMILY_GCC -> CompilerFamily.GCC;
      case DRIVER_FAMILY_CLANG -> CompilerFamily.CLANG;
      default -> null;
    };
  }

  /** Adds what a file-as-source compile embeds besides the text. */
  static String withInput(String key, FileInput in) {
    if (in == null) {
      return key;
    }
    return Digests.hexOfParts(key.getBytes(StandardCharsets.UTF_8), "file-as-source".getBytes(StandardCharsets.UTF_8),
        in.path().getBytes(StandardCharsets.UTF_8), in.clientCwd().getBytes(StandardCharsets.UTF_8));
  }

  record Needles(boolean baseFile, boolean readsClock) {}

  /**
   * One pass for every macro that changes how a source is handled (a hot loop: sources run to
   * megabytes): all of them start with two underscores, found a word at a time.
   */
  static Needles scan(byte[] b) {
    boolean baseFile = false;
    boolean clock = false;
    int last = b.length - SHORTEST_NEEDLE;
    for (int i = ByteSearch.indexOfPair(b, (byte) '_', 0); i >= 0 && i <= last && !(baseFile && clock);
        i = ByteSearch.indexOfPair(b, (byte) '_', i + 1)) {
      byte c = b[i + 2];
      if (c == 'B') {
        baseFile |= at(b, i, BASE_FILE);
      } else if (c == 'D') {
        clock |= at(b, i, DATE);
      } else if (c == 'T') {
        clock |= at(b, i, TIME) || at(b, i, TIMESTAMP);
      }
    }
    return new Needles(baseFile, clock);
  }

  private static boolean at(byte[] b, int i, byte[] needle) {
    if (b.length - i < needle.length) {
      return false;
    }
    for (int j = 2; j < needle.length; j++) {
      if (b[i + j] != needle[j]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
