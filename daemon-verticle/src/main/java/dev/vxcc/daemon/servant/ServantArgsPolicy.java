package dev.vxcc.daemon.servant;

import dev.vxcc.daemon.args.CompilerFamily;
import dev.vxcc.daemon.args.LocalReason;
import dev.vxcc.daemon.args.OptionTable;
import dev.vxcc.daemon.args.OptionTable.Found;
import dev.vxcc.daemon.args.OptionTable.Lookup;
import dev.vxcc.daemon.args.OptionTable.Match;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a servant agrees to run for a stranger: only argument vectors the classifier could have
 * produced for a remote compile. Every argument must be an option the {@link OptionTable} knows
 * with a code-generation role (whose value checks pass), or one of the fixed additions the
 * classifier makes itself. Preprocessing, dependency, output, informational and local-only options
 * are refused, and so is anything unknown, so a valid token does not buy reading or writing
 * servant files, loading code or running other programs.
 */
public final class ServantArgsPolicy {
  private ServantArgsPolicy() {}

  private static final Set<String> LANGUAGES = Set.of("c", "c++", "cpp-output", "c++-cpp-output");
  private static final Set<String> FIXED_FLAGS = Set.of("-fpreprocessed", "-fdirectives-only");

  /** @return why the arguments are refused, or empty when they are acceptable */
  public static Optional<String> check(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      // Option values too: gcc and clang expand "@file" wherever it stands (-D @x, -z @x, ...).
      if (a == null || a.indexOf('\0') >= 0) {
        return Optional.of("null or NUL in argument " + i);
      }
      if (a.startsWith("@")) {
        return Optional.of("response files are not accepted: " + a);
      }
    }
    boolean compile = false;
    for (int i = 0; i < args.size(); ) {
      String a = args.get(i);
      if (a == null || a.indexOf('\0') >= 0) {
        return Optional.of("null or NUL in argument " + i);
      }
      if (!a.startsWith("-") || a.equals("-")) {
        return Optional.of(a.startsWith("@") ? "response files are not accepted: " + a : "unexpected operand: " + a);
      }
      if (a.equals("-x")) {
        if (i + 1 >= args.size() || !LANGUAGES.contains(args.get(i + 1))) {
          return Optional.of("-x must name c, c++ or their -cpp-output forms");
        }
        i += 2;
        continue;
      }
      if (FIXED_FLAGS.contains(a)) {
        i++;
        continue;
      }
      if (a.equals("-Xclang") && i + 3 < args.size() && args.get(i + 1).equals("-main-file-name")
          && args.get(i + 2).equals("-Xclang")) {
        String name = args.get(i + 3);
        // The classifier passes the source's basename; anything path-like is not from it.
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.startsWith("-") || name.indexOf('\0') >= 0) {
          return Optional.of("option not allowed on a servant: -Xclang -main-file-name -Xclang " + name + " (not a file name)");
        }
        i += 4;
        continue;
      }
      Lookup lookup = OptionTable.lookup(args, i);
      if (!(lookup instanceof Found found)) {
        return Optional.of("option not allowed on a servant: " + a);
      }
      Match m = found.match();
      String refused = refusal(m);
      if (refused != null) {
        return Optional.of("option not allowed on a servant: " + String.join(" ", m.tokens()) + " (" + refused + ")");
      }
      compile |= m.spec().role() == OptionTable.Role.COMPILE_MODE || m.spec().role() == OptionTable.Role.ASSEMBLE_MODE;
      i += m.consumed();
    }
    return compile ? Optional.empty() : Optional.of("neither -c nor -S: only compiles are accepted");
  }

  private static String refusal(Match m) {
    OptionTable.Spec spec = m.spec();
    switch (spec.role()) {
      case COMPILE, DEBUG, ARCH, COMPILE_MODE, ASSEMBLE_MODE, MACRO -> { }
      default -> {
        return spec.localReason() != null
            ? spec.localReason().code()
            : spec.role().name().toLowerCase(java.util.Locale.ROOT) + " option";
      }
    }
    if (spec.check() != null && m.value() != null) {
      // Both families: an option is acceptable only if no classifier run could have refused it.
      for (CompilerFamily f : CompilerFamily.values()) {
        LocalReason r = spec.check().check(f, m.value());
        if (r != null) {
          return r.code();
        }
      }
    }
    return null;
  }
}
