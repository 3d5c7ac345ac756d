package dev.vxcc.daemon.args;

import dev.vxcc.testkit.fuzz.Gen;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Argument-vector generators shared by the classifier and servant fuzz tests. */
public final class FuzzArgs {
  private FuzzArgs() {}

  /** Every spelling the option table registers (read from it, so new entries are fuzzed too). */
  public static final List<String> SPELLINGS = spellings();

  /** Values chosen to be hostile to a compiler driver, plus a few ordinary ones. */
  public static final List<String> VALUES = List.of("@/etc/passwd", "@x.rsp", "@", "-o", "/etc/passwd", "x.so",
      "/tmp/x.so", "-load", "-fpass-plugin=x.so", "-fplugin=x.so", "-plugin", "-wrapper", "/bin/sh,-c,id", "c", "c++",
      "cpp-output", "-main-file-name", "-Xclang", "--", "-", "", "a,b", "-o,x", "-a=listing", "--MD,x.d", "file",
      "-info-output-file=x", "foo", "a.c", "FOO=1", "x86_64", "ssp-buffer-size=4", "now", "-emit-llvm", "../x", "a b",
      "-fdump-tree-all", "-specs=x", "-B/tmp", "-dumpdir", "x/y", "@@", "-c", "-S", "-E");

  /** Source-looking operands: extensions of every kind, traversal, spaces, leading '-' and '@'. */
  public static final List<String> SOURCES = List.of("a.c", "src/m.cpp", "/abs/m.cc", "../up/m.c", "../../x.cxx",
      "a.i", "a.s", "a.h", "-", "", "@a.c", "-a.c", "a b.c", "./a.c", "a//b.c", "a/../b.c", "..", "dir/", "a.C",
      "\u00e9.c", "a.c\n", "x", "/etc/passwd", "a.c=b.c", "-wrapper");

  public static final List<String> FIXED = List.of("-c", "-S", "-x", "-fpreprocessed", "-fdirectives-only", "-o",
      "out.o", "-g", "-gdwarf-4", "-gno-record-gcc-switches", "-Xclang", "-main-file-name");

  private static final Gen<String> JUNK = Gen.anyStrings(24);

  /** One argument: a table spelling (sometimes with a joined value), a value, a source, fixed flags, or junk. */
  public static final Gen<String> ARG = Gen.frequency(
      8, Gen.elements(SPELLINGS),
      3, (Gen<String>) r -> SPELLINGS.get(r.nextInt(SPELLINGS.size())) + VALUES.get(r.nextInt(VALUES.size())),
      4, Gen.elements(VALUES),
      2, Gen.elements(SOURCES),
      4, Gen.elements(FIXED),
      1, JUNK);

  /** Spellings that take a separate value, for pairing with a hostile one. */
  public static final List<String> SEPARATE = List.of("-D", "-U", "-I", "-include", "-x", "-o", "-MF", "-Xclang",
      "-Xassembler", "-Xlinker", "-Xpreprocessor", "-mllvm", "-L", "-l", "-arch", "-target", "--param", "--std", "-z",
      "-T", "-u", "-aux-info", "-dumpdir", "-wrapper", "-specs", "-B", "-load", "-isystem", "-imacros");

  /** Arguments, a third of them as option + value pairs (the rare combinations matter most). */
  public static Gen<List<String>> argv(int maxSize) {
    return r -> {
      List<String> out = new java.util.ArrayList<>();
      int n = Gen.size(maxSize).next(r);
      while (out.size() < n) {
        if (r.nextInt(3) == 0) {
          out.add(SEPARATE.get(r.nextInt(SEPARATE.size())));
          out.add(r.nextInt(4) == 0 ? ARG.next(r) : VALUES.get(r.nextInt(VALUES.size())));
        } else {
          out.add(ARG.next(r));
        }
      }
      return out;
    };
  }

  @SuppressWarnings("unchecked")
  private static List<String> spellings() {
    try {
      TreeSet<String> names = new TreeSet<>();
      for (String field : List.of("EXACT", "PREFIX")) {
        Field f = OptionTable.class.getDeclaredField(field);
        f.setAccessible(true);
        names.addAll(((Map<String, ?>) f.get(null)).keySet());
      }
      return List.copyOf(names);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("OptionTable no longer keeps its spellings in EXACT/PREFIX maps", e);
    }
  }
}
