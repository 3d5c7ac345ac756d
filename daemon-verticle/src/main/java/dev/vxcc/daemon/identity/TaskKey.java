package dev.vxcc.daemon.identity;

import dev.vxcc.common.util.Digests;
import dev.vxcc.daemon.args.CompilerFamily;
import dev.vxcc.daemon.args.Decision;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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
 */
public final class TaskKey {
  static final String VERSION = "vxcc-task-2";
  static final String BASE_PLACEHOLDER = "\0BASE\0";
  static final String COMPILER_PLACEHOLDER = "\0COMPILER\0";
  /** Everything that can expand to the name of a file. */
  static final List<String> FILE_NAME_SOURCES = List.of("__FILE__", "__BASE_FILE__", "__FILE_NAME__", "__builtin_FILE",
      "__builtin_FILE_NAME", "__builtin_source_location");
  /** clang predefines integer-constant suffix macros that are not in rewrite-includes output. */
  private static final List<String> PREDEFINED_PIECES = List.of("L", "LL", "U", "UL", "ULL");
  private static final List<String> COMPILER_OWNED = List.of("lib/gcc/", "lib64/gcc/", "lib/clang/", "include/c++/");
  private static final java.util.regex.Pattern LINEMARKER = java.util.regex.Pattern.compile("\\s*#\\s*(line\\s+)?[0-9]+\\s+\"");
  private static final int MAX_SOURCE_NAME = FILE_NAME_SOURCES.stream().mapToInt(String::length).max().orElse(0);
  private static final Set<String> SOURCE_FRAGMENTS = new HashSet<>();

  static {
    for (String s : FILE_NAME_SOURCES) {
      for (int i = 0; i < s.length(); i++) {
        for (int j = i + 1; j <= s.length(); j++) {
          SOURCE_FRAGMENTS.add(s.substring(i, j));
        }
      }
    }
  }

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

    /** The delegate's form; a servant, which has no Decision, gives the family and side outputs itself. */
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

  enum FileNames { NONE, PASTE, DIRECT }

  /**
   * @param hex the task digest
   * @param baseNormalised paths under the base dir were replaced
   * @param compilerNormalised paths under the compiler prefix were replaced
   * @param why when a configured root was kept as is, the first reason; "" otherwise
   */
  public record Key(String hex, boolean baseNormalised, boolean compilerNormalised, String why) {}

  record Root(String path, String placeholder, boolean compiler) {
    boolean covers(String p) {
      if (!(p.equals(path) || p.startsWith(path) && p.charAt(path.length()) == '/')) {
        return false;
      }
      if (!compiler) {
        return true;
      }
      String rest = p.length() > path.length() ? p.substring(path.length() + 1) : "";
      if (COMPILER_OWNED.stream().anyMatch(rest::startsWith)) {
        return true;
      }
      // Multiarch C++ headers: include/x86_64-linux-gnu/c++/12/
      int slash = rest.indexOf('/', "include/".length());
      return rest.startsWith("include/") && slash > 0 && rest.startsWith("c++/", slash + 1);
    }

    String rewrite(String p) {
      return placeholder + p.substring(path.length());
    }
  }

  public static Key of(Input in) {
    String sourceDigest = Digests.hex(in.preprocessed());
    Key raw = new Key(hex(in.compilerIdentity(), in.remoteArgs(), in.outputSuffix(), sourceDigest, null), false, false, "");
    List<Root> candidates = new ArrayList<>();
    String why = "";
    String base = usableRoot(in.baseDir());
    if (base != null) {
      candidates.add(new Root(base, BASE_PLACEHOLDER, false));
    } else if (!in.baseDir().isEmpty()) {
      why = "unusable base dir " + in.baseDir();
    }
    String prefix = in.compilerPrefix() == null ? null : usableRoot(in.compilerPrefix().toString());
    if (prefix != null) {
      // Compiler paths first: a toolchain checked in under the base dir is still the compiler.
      candidates.add(0, new Root(prefix, COMPILER_PLACEHOLDER, true));
    }
    if (candidates.isEmpty()) {
      return new Key(raw.hex(), false, false, why);
    }
    String inert = inertnessProblem(in);
    boolean debug = debugInfo(in.remoteArgs());
    FileNames fileNames = inert == null ? fileNames(in.preprocessed(), in.remoteArgs()) : FileNames.NONE;
    byte[][] expanded = null;
    List<Root> roots = new ArrayList<>();
    for (Root r : candidates) {
      String problem = inert;
      if (problem == null && debug && !mapped(in.remoteArgs(), r.path(), List.of("-fdebug-prefix-map=", "-ffile-prefix-map="))) {
        problem = "debug info names " + r.path();
      }
      boolean macroMapped = in.family() == CompilerFamily.GCC
          && mapped(in.remoteArgs(), r.path(), List.of("-fmacro-prefix-map=", "-ffile-prefix-map="));
      if (problem == null && fileNames == FileNames.DIRECT && !macroMapped) {
        problem = "the source can expand __FILE__ or a relative of it";
      }
      if (problem == null && fileNames == FileNames.PASTE && !macroMapped) {
        if (expanded == null) {
          expanded = new byte[][] {expand(in.expander())};
        }
        if (!expansionClean(expanded[0], r)) {
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
    byte[] text = normaliseText(in.preprocessed(), roots);
    List<String> args = normaliseArgs(in.remoteArgs(), roots);
    boolean textChanged = text != in.preprocessed();
    if (!textChanged && args.equals(in.remoteArgs())) {
      return new Key(raw.hex(), false, false, why);
    }
    boolean baseUsed = false;
    boolean compilerUsed = false;
    for (Root r : roots) {
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

  /** Absolute, normalised, not "/", and writable inside a linemarker without escaping. */
  public static String usableRoot(String dir) {
    if (dir == null || dir.isEmpty() || !dir.startsWith("/")) {
      return null;
    }
    String d = dir;
    while (d.length() > 1 && d.endsWith("/")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.equals("/") || !Path.of(d).normalize().toString().equals(d)) {
      return null;
    }
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) {
        return null;
      }
    }
    return d;
  }

  /** Reasons independent of the root: options and outputs that record source paths. */
  static String inertnessProblem(Input in) {
    if (!in.extraOutputs().isEmpty()) {
      return "side outputs " + in.extraOutputs();
    }
    for (String a : in.remoteArgs()) {
      String l = a.toLowerCase(java.util.Locale.ROOT);
      if ((a.startsWith("-fsanitize") && !a.startsWith("-fsanitize-recover")) || l.contains("profile") || l.contains("coverage")
          || a.startsWith("-finstrument") || a.startsWith("-fxray") || a.equals("-pg")) {
        return "instrumentation " + a;
      }
    }
    return null;
  }

  /** Over-approximates: any -g form except -g0 / -gno-* counts, and -g0 resets. */
  static boolean debugInfo(List<String> args) {
    boolean debug = false;
    for (String a : args) {
      if (a.equals("-g0")) {
        debug = false;
      } else if (a.startsWith("-g") && !a.startsWith("-gno-")) {
        debug = true;
      }
    }
    return debug;
  }

  /**
   * A map of exactly this root exists and no map of a proper string prefix of it does (gcc applies
   * the last matching map given, clang the longest; only exactness makes both agree).
   */
  static boolean mapped(List<String> args, String root, List<String> options) {
    boolean exact = false;
    for (String a : args) {
      for (String opt : options) {
        if (!a.startsWith(opt)) {
          continue;
        }
        String v = a.substring(opt.length());
        int eq = v.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String old = v.substring(0, eq);
        String stripped = old;
        while (stripped.length() > 1 && stripped.endsWith("/")) {
          stripped = stripped.substring(0, stripped.length() - 1);
        }
        if (stripped.equals(root)) {
          exact = true;
        } else if (root.startsWith(old)) {
          return false;
        }
      }
    }
    return exact;
  }

  // ---------------------------------------------------------------- __FILE__ and relatives

  /**
   * DIRECT when one of {@link #FILE_NAME_SOURCES} is a token anywhere (comments and strings
   * included, which only over-approximates); PASTE when one could be pasted together ({@code ##})
   * from at least two tokens that occur. glibc alone has {@code __FILE} and {@code __} and a free
   * {@code __CONCAT(x,y) x ## y}, so PASTE is common and is settled by the real expansion.
   */
  static FileNames fileNames(byte[] text, List<String> args) {
    Set<String> pieces = new HashSet<>(PREDEFINED_PIECES);
    if (collectFragments(text, pieces)) {
      return FileNames.DIRECT;
    }
    for (String a : args) {
      if (collectFragments(a.getBytes(StandardCharsets.UTF_8), pieces)) {
        return FileNames.DIRECT;
      }
    }
    for (String s : FILE_NAME_SOURCES) {
      if (pasteable(s, pieces)) {
        return FileNames.PASTE;
      }
    }
    return FileNames.NONE;
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

  /**
   * After full expansion, a file-name macro has become a string literal with its path, and a
   * pasted {@code __builtin_FILE} a plain token: clean means neither the root (for a compiler
   * root: anything below its lib/ or include/) nor such a token appears outside directives. No
   * expansion counts as not clean.
   */
  static boolean expansionClean(byte[] expanded, Root root) {
    if (expanded == null) {
      return false;
    }
    List<String> needles = root.compiler() ? List.of(root.path() + "/lib/", root.path() + "/lib64/", root.path() + "/include/")
        : List.of(root.path());
    String text = new String(expanded, StandardCharsets.ISO_8859_1);
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(start, end);
      // Only linemarkers are skipped: a #pragma may carry expanded macros.
      if (!LINEMARKER.matcher(line).lookingAt()) {
        for (String n : needles) {
          if (line.contains(n)) {
            return false;
          }
        }
        if (collectFragments(line.getBytes(StandardCharsets.ISO_8859_1), new HashSet<String>())) {
          return false;
        }
      }
      start = end + 1;
    }
    return true;
  }

  /** Adds tokens that are fragments of a file-name source; true at once when one is whole. */
  private static boolean collectFragments(byte[] b, Set<String> pieces) {
    StringBuilder tok = new StringBuilder();
    int len = 0;
    int n = b.length;
    for (int i = 0; i <= n; i++) {
      int c = i < n ? b[i] & 0xff : ' ';
      // Backslash-newline (and the trigraph ??/) splices lines before tokens are formed.
      int splice = i < n ? spliceLength(b, i) : 0;
      if (splice > 0) {
        i += splice - 1;
        continue;
      }
      if (c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        if (len < MAX_SOURCE_NAME) {
          tok.append((char) c);
        }
        len++;
        continue;
      }
      if (len > 0 && len <= MAX_SOURCE_NAME) {
        String t = tok.toString();
        if (SOURCE_FRAGMENTS.contains(t)) {
          if (FILE_NAME_SOURCES.contains(t)) {
            return true;
          }
          pieces.add(t);
        }
      }
      tok.setLength(0);
      len = 0;
    }
    return false;
  }

  static int spliceLength(byte[] b, int i) {
    int n = b.length;
    int k;
    if (b[i] == '\\') {
      k = i + 1;
    } else if (b[i] == '?' && i + 2 < n && b[i + 1] == '?' && b[i + 2] == '/') {
      k = i + 3;
    } else {
      return 0;
    }
    if (k < n && b[k] == '\n') {
      return k + 1 - i;
    }
    if (k + 1 < n && b[k] == '\r' && b[k + 1] == '\n') {
      return k + 2 - i;
    }
    return 0;
  }

  /** Whether s is a concatenation of at least two pieces. */
  static boolean pasteable(String s, Set<String> pieces) {
    boolean[] reach = new boolean[s.length() + 1];
    reach[0] = true;
    for (int i = 0; i < s.length(); i++) {
      if (!reach[i]) {
        continue;
      }
      for (int j = i + 1; j <= s.length(); j++) {
        if ((i > 0 || j < s.length()) && pieces.contains(s.substring(i, j))) {
          reach[j] = true;
        }
      }
    }
    return reach[s.length()];
  }

  // ---------------------------------------------------------------- rewriting

  static List<String> normaliseArgs(List<String> args, List<Root> roots) {
    List<String> out = new ArrayList<>(args.size());
    for (String a : args) {
      String r = a;
      for (String opt : List.of("-fdebug-prefix-map=", "-ffile-prefix-map=", "-fmacro-prefix-map=")) {
        if (!a.startsWith(opt)) {
          continue;
        }
        String v = a.substring(opt.length());
        int eq = v.indexOf('=');
        if (eq < 0) {
          break;
        }
        String old = v.substring(0, eq);
        // Only the old side: it selects paths, and a root there selects the same relative paths
        // in every checkout. A root on the new side would be written into the object.
        String norm = rewritePath(old, roots);
        if (norm != null) {
          r = opt + norm + v.substring(eq);
        }
        break;
      }
      out.add(r);
    }
    return out;
  }

  private static String rewritePath(String p, List<Root> roots) {
    String trimmed = p;
    for (Root r : roots) {
      if (r.covers(trimmed)) {
        return r.rewrite(trimmed);
      }
      // "-fdebug-prefix-map=/root/=." names the root with a trailing slash.
      if (trimmed.endsWith("/") && trimmed.length() > 1 && r.covers(trimmed.substring(0, trimmed.length() - 1))) {
        return r.rewrite(trimmed);
      }
    }
    return null;
  }

  /**
   * Rewrites roots in linemarkers, {@code #line}, and include lines inside clang's
   * {@code #if 0 /* expanded by -frewrite-includes} blocks. Lines that continue a previous line
   * or lie in a raw string literal are data, not directives, and are left alone. Returns the
   * input itself when nothing changed.
   */
  static byte[] normaliseText(byte[] b, List<Root> roots) {
    boolean[] inRaw = rawStringLines(b);
    ByteArrayOutputStream out = null;
    int copied = 0;
    int lineNo = 0;
    int depth = 0;
    boolean blockClean = false;
    int n = b.length;
    boolean continued = false;
    for (int start = 0; start < n; lineNo++) {
      int end = start;
      while (end < n && b[end] != '\n') {
        end++;
      }
      boolean thisContinued = continued;
      continued = end > start && (b[end - 1] == '\\' || (b[end - 1] == '\r' && end - 2 >= start && b[end - 2] == '\\')
          || endsWithTrigraphSplice(b, start, end));
      if (!thisContinued && !inRaw[lineNo]) {
        Directive d = directive(b, start, end);
        if (d != null) {
          int[] span = null;
          if (d.kind == Kind.MARKER) {
            span = d.operand;
          } else if (d.kind == Kind.INCLUDE && depth > 0 && blockClean) {
            span = d.operand;
          }
          if (depth > 0) {
            switch (d.kind) {
              case IF -> depth++;
              case ENDIF -> depth--;
              case ELSE -> {
                if (depth == 1) {
                  blockClean = false;
                }
              }
              default -> { }
            }
          } else if (d.kind == Kind.IF && startsWith(b, start, end, "#if 0 /* expanded by -frewrite-includes */")) {
            depth = 1;
            blockClean = true;
          }
          if (span != null) {
            String p = new String(b, span[0], span[1] - span[0], StandardCharsets.ISO_8859_1);
            String r = rewritePath(p, roots);
            if (r == null && p.endsWith("//")) {
              r = rewritePath(p.substring(0, p.length() - 2), roots);
              r = r == null ? null : r + "//";
            }
            if (r != null) {
              if (out == null) {
                out = new ByteArrayOutputStream(b.length);
              }
              out.write(b, copied, span[0] - copied);
              out.writeBytes(r.getBytes(StandardCharsets.ISO_8859_1));
              copied = span[1];
            }
          }
        }
      }
      start = end + 1;
    }
    if (out == null) {
      return b;
    }
    out.write(b, copied, n - copied);
    return out.toByteArray();
  }

  private static boolean endsWithTrigraphSplice(byte[] b, int start, int end) {
    int e = end > start && b[end - 1] == '\r' ? end - 1 : end;
    return e - start >= 3 && b[e - 1] == '/' && b[e - 2] == '?' && b[e - 3] == '?';
  }

  private static boolean startsWith(byte[] b, int start, int end, String s) {
    int i = start;
    while (i < end && (b[i] == ' ' || b[i] == '\t')) {
      i++;
    }
    if (end - i < s.length()) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if (b[i + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  enum Kind { MARKER, INCLUDE, IF, ELSE, ENDIF, OTHER }

  /** operand: [from, to) of the quoted path (without quotes), for MARKER and INCLUDE. */
  record Directive(Kind kind, int[] operand) {}

  static Directive directive(byte[] b, int start, int end) {
    int i = skipBlanks(b, start, end);
    if (i >= end || b[i] != '#') {
      return null;
    }
    i = skipBlanks(b, i + 1, end);
    int wordStart = i;
    while (i < end && (Character.isLetterOrDigit(b[i]) || b[i] == '_')) {
      i++;
    }
    String word = new String(b, wordStart, i - wordStart, StandardCharsets.ISO_8859_1);
    if (!word.isEmpty() && Character.isDigit(word.charAt(0))) {
      if (!word.chars().allMatch(Character::isDigit)) {
        return new Directive(Kind.OTHER, null);
      }
      return new Directive(Kind.MARKER, quoted(b, skipBlanks(b, i, end), end, '"'));
    }
    switch (word) {
      case "line" -> {
        int j = skipBlanks(b, i, end);
        int digits = j;
        while (j < end && b[j] >= '0' && b[j] <= '9') {
          j++;
        }
        return j > digits ? new Directive(Kind.MARKER, quoted(b, skipBlanks(b, j, end), end, '"')) : new Directive(Kind.OTHER, null);
      }
      case "include", "include_next", "import" -> {
        int j = skipBlanks(b, i, end);
        int[] span = j < end && b[j] == '<' ? quoted(b, j, end, '>') : quoted(b, j, end, '"');
        return new Directive(Kind.INCLUDE, span);
      }
      case "if", "ifdef", "ifndef" -> {
        return new Directive(Kind.IF, null);
      }
      case "else", "elif", "elifdef", "elifndef" -> {
        return new Directive(Kind.ELSE, null);
      }
      case "endif" -> {
        return new Directive(Kind.ENDIF, null);
      }
      default -> {
        return new Directive(Kind.OTHER, null);
      }
    }
  }

  private static int skipBlanks(byte[] b, int i, int end) {
    while (i < end && (b[i] == ' ' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  /** The contents of a quoted operand starting at b[i]; null when there is none or it is escaped. */
  private static int[] quoted(byte[] b, int i, int end, char close) {
    if (i >= end || (b[i] != '"' && b[i] != '<')) {
      return null;
    }
    int from = i + 1;
    for (int j = from; j < end; j++) {
      if (b[j] == '\\') {
        // Escaped names cannot start with a root (roots contain no backslash or quote) except
        // past the escape, where the prefix test fails anyway; keep it simple and skip.
        return null;
      }
      if (b[j] == close) {
        return new int[] {from, j};
      }
    }
    return null;
  }

  /**
   * Marks the lines that a raw string literal touches, from its opening line to its closing line.
   * Candidates are found without a full lexer, so strings and comments can produce false ones;
   * that only leaves more lines alone. An unterminated one reaches the end of the text.
   */
  static boolean[] rawStringLines(byte[] b) {
    int lines = 1;
    for (byte c : b) {
      if (c == '\n') {
        lines++;
      }
    }
    boolean[] marked = new boolean[lines + 1];
    int n = b.length;
    int line = 0;
    for (int i = 0; i < n; i++) {
      if (b[i] == '\n') {
        line++;
        continue;
      }
      if (b[i] != 'R') {
        continue;
      }
      int q = i + 1;
      int s;
      while (q < n && (s = spliceLength(b, q)) > 0) {
        q += s;
      }
      if (q >= n || b[q] != '"' || !rawPrefixStart(b, i)) {
        continue;
      }
      int d = q + 1;
      int k = d;
      while (k < n && k - d <= 16 && b[k] != '(' && b[k] != ')' && b[k] != '\\' && b[k] > ' ') {
        k++;
      }
      if (k >= n || b[k] != '(') {
        continue;
      }
      byte[] delim = java.util.Arrays.copyOfRange(b, d, k);
      int close = findClose(b, k + 1, delim);
      int endLine = line;
      int stop = close < 0 ? n : close;
      for (int x = i; x < stop; x++) {
        if (b[x] == '\n') {
          endLine++;
        }
      }
      for (int l = line; l <= endLine && l < marked.length; l++) {
        marked[l] = true;
      }
      if (close < 0) {
        for (int l = line; l < marked.length; l++) {
          marked[l] = true;
        }
        return marked;
      }
      line = endLine;
      i = close;
    }
    return marked;
  }

  /** R at i starts a raw string prefix: alone, or after u8, u, U or L, not inside an identifier. */
  private static boolean rawPrefixStart(byte[] b, int i) {
    int p = i;
    if (p >= 2 && b[p - 2] == 'u' && b[p - 1] == '8') {
      p -= 2;
    } else if (p >= 1 && (b[p - 1] == 'u' || b[p - 1] == 'U' || b[p - 1] == 'L')) {
      p -= 1;
    }
    if (p == 0) {
      return true;
    }
    int c = b[p - 1] & 0xff;
    // fooR"x" is an identifier and a string; a newline (perhaps after a splice) counts as a
    // boundary, which can only mark too much.
    return !(c == '_' || c == '$' || c >= 0x80 || Character.isLetterOrDigit(c));
  }

  private static int findClose(byte[] b, int from, byte[] delim) {
    int n = b.length;
    outer:
    for (int i = from; i < n; i++) {
      if (b[i] != ')') {
        continue;
      }
      for (int k = 0; k < delim.length; k++) {
        if (i + 1 + k >= n || b[i + 1 + k] != delim[k]) {
          continue outer;
        }
      }
      int q = i + 1 + delim.length;
      if (q < n && b[q] == '"') {
        return q;
      }
    }
    return -1;
  }
}
