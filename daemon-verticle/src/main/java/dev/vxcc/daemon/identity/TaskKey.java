package dev.vxcc.daemon.identity;

import dev.vxcc.common.util.Digests;
import dev.vxcc.daemon.args.CompilerFamily;
import dev.vxcc.daemon.args.Decision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The digest of a remote task: the cache key and the key under which identical in-flight tasks
 * are shared across the cluster. Equal keys must mean byte-identical objects.
 *
 * <p>Like ccache's base_dir, paths under a configured checkout root (and the compiler's own
 * installation directories) are replaced by placeholders before hashing, so that the same tree
 * built in two directories, or with the same compiler installed under two prefixes, shares
 * results. This is done only where the object provably cannot contain those paths:
 * <ul>
 *   <li>no debug info, unless a {@code -fdebug-prefix-map}/{@code -ffile-prefix-map} maps exactly
 *       that root and no shorter map could win over it (gcc tries the last given map first);</li>
 *   <li>nothing that can expand to a file name: no {@code __FILE__}, {@code __BASE_FILE__},
 *       {@code __FILE_NAME__}, {@code __builtin_FILE}, {@code __builtin_source_location} token
 *       anywhere in the text or arguments (including inside {@code #define}s, which cannot be
 *       proven unused without a real preprocessor), and none that token pasting could assemble
 *       from fragments present in the text; with gcc a {@code -fmacro-prefix-map} or
 *       {@code -ffile-prefix-map} of exactly that root makes such expansions path-independent;</li>
 *   <li>no sanitizer, profiling, coverage or instrumentation option, and no side outputs
 *       ({@code .su} files name source paths).</li>
 * </ul>
 *
 * <p>Only path-carrying positions are rewritten: linemarkers and {@code #line} directives (which
 * includes gcc's working-directory marker {@code # 1 "/cwd//"}), the {@code #include} lines clang's
 * {@code -frewrite-includes} keeps inside {@code #if 0} blocks, and the old side of the
 * prefix-map options. Any other occurrence (a string literal, a {@code -D} value, a map's new side)
 * stays as it is and so keeps keys of different checkouts apart, which is always safe. The
 * compile itself still receives the real text.
 *
 * <p>The client cwd and the source path are deliberately not hashed: they reach the object only
 * through the text (markers) and the arguments (clang's {@code -main-file-name} and debug
 * options), which are. Diagnostics do name paths: a result with non-empty stderr must never be
 * stored or shared under a normalised key (the daemon re-runs such compiles locally anyway).
 *
 * <p>The parts: {@link KeyRoots} decides which roots may be replaced, {@link SourceNameScan} finds
 * what could expand to a file name, {@link LinemarkerRewriter} does the replacing. Both sides build
 * the full task digest through {@link TaskKeyBuilder}.
 */
public final class TaskKey {
  static final String VERSION = "vxcc-task-2";

  private TaskKey() {}

  /**
   * @param compilerIdentity {@link CompilerIdentity} hex of the submitter's compiler
   * @param compilerPrefix that compiler's installation prefix, or null to keep its paths as they are
   * @param remoteArgs the arguments the servant runs with (first or fallback recipe)
   * @param preprocessed what the servant compiles
   * @param baseDir checkout root to normalise, "" for none
   */
  public record Input(String compilerIdentity, Path compilerPrefix, List<String> remoteArgs, String outputSuffix,
      byte[] preprocessed, Path cwd, String sourcePath, CompilerFamily family, List<String> extraOutputs, String baseDir,
      Expander expander) {
    public Input(String compilerIdentity, Path compilerPrefix, List<String> remoteArgs, String outputSuffix,
        byte[] preprocessed, Path cwd, String sourcePath, Decision.Remote decision, String baseDir) {
      this(compilerIdentity, compilerPrefix, remoteArgs, outputSuffix, preprocessed, cwd, sourcePath, decision, baseDir, null);
    }

    /** Family and side outputs from a decision; the delegate and servant go through {@link TaskKeyBuilder}. */
    public Input(String compilerIdentity, Path compilerPrefix, List<String> remoteArgs, String outputSuffix,
        byte[] preprocessed, Path cwd, String sourcePath, Decision.Remote decision, String baseDir, Expander expander) {
      this(compilerIdentity, compilerPrefix, remoteArgs, outputSuffix, preprocessed, cwd, sourcePath,
          Objects.requireNonNull(decision, "decision").family(), decision.extraOutputs(), baseDir, expander);
    }

    public Input {
      Objects.requireNonNull(compilerIdentity, "compilerIdentity");
      remoteArgs = List.copyOf(remoteArgs);
      Objects.requireNonNull(outputSuffix, "outputSuffix");
      Objects.requireNonNull(preprocessed, "preprocessed");
      Objects.requireNonNull(family, "family");
      extraOutputs = List.copyOf(extraOutputs);
      baseDir = baseDir == null ? "" : baseDir;
    }
  }

  /**
   * The text with every macro expanded, as the servant's compile would see it ({@code -E} with the
   * remote arguments). Asked for only when token pasting might assemble a file-name macro.
   */
  @FunctionalInterface
  public interface Expander {
    byte[] expand() throws Exception;
  }


  /**
   * @param hex the task digest
   * @param baseNormalised paths under the base dir were replaced
   * @param compilerNormalised paths under the compiler prefix were replaced
   * @param why when a configured root was kept as is, the first reason; "" otherwise
   */
  public record Key(String hex, boolean baseNormalised, boolean compilerNormalised, String why) {}

  public static Key of(Input in) {
    String sourceDigest = Digests.hex(in.preprocessed());
    Key raw = new Key(hex(in.compilerIdentity(), in.remoteArgs(), in.outputSuffix(), sourceDigest, null), false, false, "");
    List<KeyRoots.Root> candidates = new ArrayList<>();
    String why = "";
    String base = KeyRoots.usableRoot(in.baseDir());
    if (base != null) {
      candidates.add(new KeyRoots.Root(base, KeyRoots.BASE_PLACEHOLDER, false));
    } else if (!in.baseDir().isEmpty()) {
      why = "unusable base dir " + in.baseDir();
    }
    String prefix = in.compilerPrefix() == null ? null : KeyRoots.usableRoot(in.compilerPrefix().toString());
    if (prefix != null) {
      // Compiler paths first: a toolchain checked in under the base dir is still the compiler.
      candidates.add(0, new KeyRoots.Root(prefix, KeyRoots.COMPILER_PLACEHOLDER, true));
    }
    if (candidates.isEmpty()) {
      return new Key(raw.hex(), false, false, why);
    }
    String inert = KeyRoots.inertnessProblem(in);
    boolean debug = KeyRoots.debugInfo(in.remoteArgs());
    SourceNameScan.FileNames fileNames = inert == null ? SourceNameScan.fileNames(in.preprocessed(), in.remoteArgs())
        : SourceNameScan.FileNames.NONE;
    byte[][] expanded = null;
    List<KeyRoots.Root> roots = new ArrayList<>();
    for (KeyRoots.Root r : candidates) {
      String problem = inert;
      if (problem == null && debug && !KeyRoots.mapped(in.remoteArgs(), r.path(), List.of("-fdebug-prefix-map=", "-ffile-prefix-map="))) {
        problem = "debug info names " + r.path();
      }
      boolean macroMapped = in.family() == CompilerFamily.GCC
          && KeyRoots.mapped(in.remoteArgs(), r.path(), List.of("-fmacro-prefix-map=", "-ffile-prefix-map="));
      if (problem == null && fileNames == SourceNameScan.FileNames.DIRECT && !macroMapped) {
        problem = "the source can expand __FILE__ or a relative of it";
      }
      if (problem == null && fileNames == SourceNameScan.FileNames.PASTE && !macroMapped) {
        if (expanded == null) {
          expanded = new byte[][] {expand(in.expander())};
        }
        if (!KeyRoots.expansionClean(expanded[0], r)) {
          problem = "token pasting might form __FILE__ or a relative of it, and the expansion names a path";
        }
      }
      if (problem == null) {
        roots.add(r);
      } else if (why.isEmpty()) {
        why = problem;
      }
    }
    if (roots.isEmpty()) {
      return new Key(raw.hex(), false, false, why);
    }
    byte[] text = LinemarkerRewriter.normaliseText(in.preprocessed(), roots);
    List<String> args = LinemarkerRewriter.normaliseArgs(in.remoteArgs(), roots);
    boolean textChanged = text != in.preprocessed();
    if (!textChanged && args.equals(in.remoteArgs())) {
      return new Key(raw.hex(), false, false, why);
    }
    boolean baseUsed = false;
    boolean compilerUsed = false;
    for (KeyRoots.Root r : roots) {
      baseUsed |= !r.compiler();
      compilerUsed |= r.compiler();
    }
    String marker = (baseUsed ? "base" : "") + (compilerUsed ? "+compiler" : "");
    String digest = textChanged ? Digests.hex(text) : sourceDigest;
    return new Key(hex(in.compilerIdentity(), args, in.outputSuffix(), digest, marker), baseUsed, compilerUsed, why);
  }

  private static String hex(String identity, List<String> args, String suffix, String sourceDigest, String normalised) {
    List<byte[]> parts = new ArrayList<>(List.of(VERSION.getBytes(StandardCharsets.UTF_8),
        identity.getBytes(StandardCharsets.UTF_8),
        String.join("\0", args).getBytes(StandardCharsets.UTF_8),
        suffix.getBytes(StandardCharsets.UTF_8),
        sourceDigest.getBytes(StandardCharsets.UTF_8)));
    if (normalised != null) {
      // An extra part: a normalised key can never equal a raw one.
      parts.add(("normalised:" + normalised).getBytes(StandardCharsets.UTF_8));
    }
    return Digests.hexOfParts(parts.toArray(new byte[0][]));
  }

  private static byte[] expand(Expander expander) {
    if (expander == null) {
      return null;
    }
    try {
      return expander.expand();
    } catch (Exception e) {
      return null;
    }
  }
}
