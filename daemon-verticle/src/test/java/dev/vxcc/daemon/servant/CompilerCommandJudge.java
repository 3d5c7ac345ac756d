package dev.vxcc.daemon.servant;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A second opinion on a servant's compiler command, written from the drivers' point of view and
 * independent of the option table: the table is an allow-list, this is a deny-list of what gcc
 * and clang do with an argument vector. {@link #problem} names the first argument that would make
 * the compiler read a response file, write or load something the servant did not choose, or
 * compile an operand other than the servant's own.
 */
public final class CompilerCommandJudge {
  private CompilerCommandJudge() {}

  /** Options whose value is the next argument in gcc or clang (that argument is not an operand). */
  private static final Set<String> SEPARATE = Set.of("-x", "-o", "-D", "-U", "-I", "-include", "-imacros", "-isystem",
      "-iquote", "-idirafter", "-iprefix", "-iwithprefix", "-iwithprefixbefore", "-isysroot", "-imultilib", "-MF", "-MT",
      "-MQ", "-Xclang", "-Xassembler", "-Xlinker", "-Xpreprocessor", "-mllvm", "-L", "-l", "-arch", "-target", "--param",
      "--std", "-z", "-T", "-u", "-aux-info", "-dumpbase", "-dumpbase-ext", "-dumpdir", "-wrapper", "-specs", "--specs",
      "-B", "-load", "-e", "-A", "-F", "-iframework", "-include-pch", "--sysroot", "--include", "-resource-dir",
      "-gcc-toolchain", "--prefix", "-Xanalyzer", "-Xopenmp-target", "-Xcuda-ptxas", "-Xarch_host", "-Xarch_device",
      "-MJ", "-ivfsoverlay", "-cxx-isystem", "-c-isystem", "-iwithsysroot", "-isystem-after");

  /** Driver spellings (prefixes) that read servant files, write files, or load or run code. */
  private static final List<String> DENIED = List.of("-o", "-fplugin", "-fpass-plugin", "-plugin-arg-", "-wrapper",
      "-specs", "--specs", "-B", "--prefix", "-iplugindir", "-aux-info", "-dumpdir", "-dumpbase", "-fdump-",
      "-save-temps", "--save-temps", "-MF", "-MD", "-MMD", "-MJ", "-M", "-Wp,", "-Xpreprocessor", "-fprofile-",
      "-fcallgraph-info", "-ftime-trace", "-foptimization-record-file", "-fsave-optimization-record", "-resource-dir",
      "--gcc-toolchain", "--gcc-install-dir", "-ccc-", "--driver-mode", "-fsanitize-blacklist",
      "-fsanitize-ignorelist", "-fsanitize-system-ignorelist", "-fprofile-list", "-include", "-imacros", "-I",
      "-isystem", "-iquote", "-idirafter", "-iprefix", "-iwithprefix", "-isysroot", "--sysroot", "-ivfsoverlay",
      "-iframework", "-F", "-fmodule-file", "-fmodules-cache-path", "-fmodule-map-file", "-fprebuilt-module-path",
      "-emit-pch", "-include-pch", "-fcrash-diagnostics-dir", "-fstack-usage=", "-fdiagnostics-format=sarif-file",
      "-fembed-offload-object", "-fthinlto-index", "-fxray-attr-list", "-fxray-always-instrument",
      "-fxray-never-instrument", "-save-stats", "-stats-file", "--serialize-diagnostics", "-serialize-diagnostic-file",
      "-fcoverage-", "--coverage", "-ftest-coverage", "-fcompare-debug", "-frandom-seed=@", "-dependency-file",
      "-header-include-file", "-diagnostic-log-file", "-objcmt-");

  /**
   * @param command  the arguments after the compiler path, ending with {@code -o <output>}
   * @param input    the one operand the servant chose ("-" for stdin, or its source path)
   * @param output   the servant's own output path
   * @return what is hostile about the command, or null
   */
  public static String problem(List<String> command, String input, String output) {
    int n = command.size();
    if (n < 3 || !command.get(n - 2).equals("-o") || !command.get(n - 1).equals(output)) {
      return "the command does not end with the servant's own -o";
    }
    for (String a : command) {
      if (a == null || a.indexOf('\0') >= 0) {
        return "null or NUL argument";
      }
      // Both drivers expand @file before parsing options, wherever it stands, value or not.
      if (a.startsWith("@")) {
        return "response file " + a;
      }
    }
    if (!input.equals("-") && input.startsWith("-")) {
      return "the servant's input is spelled like an option: " + input;
    }
    int operands = 0;
    for (int i = 0; i < n - 2; i++) {
      String a = command.get(i);
      if (a.equals(input)) {
        operands++;
        continue;
      }
      if (!a.startsWith("-") || a.equals("-")) {
        return "operand the servant did not choose: " + a;
      }
      String denied = deniedSpelling(a);
      if (denied != null) {
        return "denied option " + a + " (" + denied + ")";
      }
      if (a.startsWith("-Wa,")) {
        String p = assemblerProblem(a.substring(4));
        if (p != null) {
          return p;
        }
      }
      if (SEPARATE.contains(a)) {
        if (i + 1 >= n - 2) {
          return a + " swallows the servant's own -o";
        }
        String value = command.get(++i);
        String p = passThroughProblem(a, value, command, i);
        if (p != null) {
          return p;
        }
        if (a.equals("-Xclang") && value.equals("-main-file-name")) {
          i += 2; // -Xclang <name>, judged in passThroughProblem
        }
      }
    }
    return operands == 1 ? null : operands + " copies of the servant's input";
  }

  /** cc1-only spellings that take a separate value: "-load/x" is the driver's "-l oad/x". */
  private static final Set<String> DENIED_EXACT = Set.of("-load", "-plugin", "-add-plugin", "-plugin-arg",
      "-gcc-toolchain");

  private static String deniedSpelling(String a) {
    if (DENIED_EXACT.contains(a)) {
      return a;
    }
    for (String d : DENIED) {
      if (a.startsWith(d)) {
        return d;
      }
    }
    return null;
  }

  private static String passThroughProblem(String option, String value, List<String> command, int i) {
    switch (option) {
      case "-Xclang" -> {
        if (value.equals("-main-file-name")) {
          if (i + 2 >= command.size() - 2 || !command.get(i + 1).equals("-Xclang")) {
            return "-Xclang -main-file-name without its name";
          }
          String name = command.get(i + 2);
          return name.isEmpty() || name.startsWith("-") || name.indexOf('/') >= 0 ? "main file name " + name : null;
        }
        return toolOptionProblem("-Xclang", value);
      }
      case "-mllvm" -> {
        // LLVM options: only its plugin loader and file-naming options matter.
        String v = value.toLowerCase(Locale.ROOT);
        return v.startsWith("-load") || v.contains("plugin") || v.contains("file") || v.contains("/")
            ? "-mllvm " + value : null;
      }
      case "-Xassembler" -> {
        return assemblerProblem(value);
      }
      default -> {
        // -D -wrapper defines a macro: a separate value is never parsed as an option.
        return null;
      }
    }
  }

  /** cc1 and LLVM spellings that load code, read headers or write files. */
  private static final List<String> TOOL_DENIED = List.of("-load", "-plugin", "-add-plugin", "-fplugin", "-fpass-plugin",
      "-o", "-include", "-imacros", "-I", "-isystem", "-iquote", "-idirafter", "-dependency-file",
      "-emit-pch", "-include-pch", "-fmodule", "-stats-file", "-header-include-file", "-diagnostic-log-file",
      "-serialize-diagnostic-file", "-fcrash-diagnostics-dir", "-fprofile", "-fdump", "-main-file-name");

  /** cc1 and LLVM options: anything loading code or naming a file or directory. */
  private static String toolOptionProblem(String via, String value) {
    String v = value.toLowerCase(Locale.ROOT);
    for (String d : TOOL_DENIED) {
      if (value.startsWith(d)) {
        return via + " " + value;
      }
    }
    // A file in the job directory is harmless; a path or a *-file option may point anywhere.
    return v.contains("file") || v.contains("/") ? via + " " + value : null;
  }

  private static String assemblerProblem(String value) {
    for (String part : value.split(",", -1)) {
      if (part.startsWith("-o") || part.startsWith("@") || part.startsWith("-a") || part.startsWith("--MD")
          || part.startsWith("-MD") || part.startsWith("--defsym") && part.contains("/")) {
        return "assembler option " + part;
      }
    }
    return null;
  }
}
