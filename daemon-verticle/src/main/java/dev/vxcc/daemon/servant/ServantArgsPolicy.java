package dev.vxcc.daemon.servant;

import java.util.List;
import java.util.Optional;

/**
 * What a servant agrees to run for a stranger. The delegate only ever sends a compile of stdin to
 * one output; anything that reads or writes other files, loads code or runs other programs is
 * refused, whoever holds a valid token.
 */
public final class ServantArgsPolicy {
  private ServantArgsPolicy() {}

  private static final List<String> FORBIDDEN_PREFIXES = List.of(
      "-o", "-B", "-wrapper", "-fplugin", "-specs", "--specs", "-save-temps", "-Wa,", "-Xassembler",
      "-Wl,", "-Xlinker", "-Wp,", "-Xpreprocessor", "-M", "-I", "-include", "-imacros", "-isystem",
      "-iquote", "-idirafter", "-iprefix", "-iwithprefix", "-isysroot", "--sysroot", "-fprofile-use",
      "-fauto-profile", "-fcompare-debug", "-fdump-", "-frandom-seed=@", "--param=", "-Xclang", "-mllvm");

  /** @return why the arguments are refused, or empty when they are acceptable */
  public static Optional<String> check(List<String> args) {
    boolean compile = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("@")) {
        return Optional.of("response files are not accepted: " + a);
      }
      if (!a.startsWith("-") || a.equals("-")) {
        return Optional.of("unexpected operand: " + a);
      }
      if (a.equals("-x")) {
        if (++i >= args.size()) {
          return Optional.of("-x without a language");
        }
        continue;
      }
      for (String p : FORBIDDEN_PREFIXES) {
        if (a.startsWith(p)) {
          return Optional.of("option not allowed on a servant: " + a);
        }
      }
      compile |= a.equals("-c") || a.equals("-S");
    }
    return compile ? Optional.empty() : Optional.of("neither -c nor -S: only compiles are accepted");
  }
}
