package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.args.ArgumentClassifier;
import dev.vxcc.daemon.args.Decision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServantArgsPolicyTest {
  private static final Path CWD = Path.of("/work/proj");

  /** Option groups seen in real builds and in ArgumentClassifierTest; combined pairwise below. */
  private static final List<String> FRAGMENTS = List.of(
      "", "-O2", "-O0", "-Os -g0", "-O3 -fPIC -DNDEBUG", "-Iinc -isystem /x -iquote q -idirafter d -include pre.h",
      "-DFOO=1 -UBAR -D X=2", "-std=c++20 -fno-exceptions", "-std=gnu11 -pedantic", "-Wall -Wextra -Werror",
      "-fdiagnostics-color=always -fcolor-diagnostics", "-MD", "-MMD -MP -MT y", "-MD -MF x.d -MQ q",
      "-Wp,-MD,out/k.d", "-Wp,-DX=1", "-Xpreprocessor -DY", "-g", "-g1", "-g -gno-record-gcc-switches",
      "-g -gdwarf-4", "-g -gdwarf-4 -gno-record-gcc-switches", "-ggdb", "-g3", "-fstack-usage",
      "-ffunction-sections -fdata-sections", "-march=x86-64-v2 -mtune=generic", "-m64 -mavx2", "-pthread",
      "-fvisibility=hidden -fvisibility-inlines-hidden", "-Wa,--noexecstack", "-Xassembler --noexecstack",
      "-Wl,--as-needed -Xlinker -z -Xlinker now -L/usr/lib -lm", "--param=ssp-buffer-size=4",
      "-fstack-protector-strong -D_FORTIFY_SOURCE=2", "-fno-omit-frame-pointer", "-fdebug-prefix-map=/a=/b",
      "-ffile-prefix-map=/a=/b", "-Xclang -fno-pch-timestamp", "-mllvm -inline-threshold=100", "-target x86_64-linux-gnu",
      "--target=x86_64-linux-gnu", "-arch x86_64", "-frandom-seed=abc", "-fmacro-prefix-map=/a=/b",
      "-nostdinc -undef", "-fno-working-directory", "-H", "-w", "-trigraphs", "-ansi", "-x c++", "-x c");

  private static final List<String> SOURCES = List.of("-c src/m.cpp -o out/m.o", "-c a.c", "-S a.c -o a.s",
      "-c /abs/src/m.cc -o m.o", "-c ../src/m.c -o m.o");

  private static List<String> split(String s) {
    return s.isBlank() ? List.of() : Arrays.asList(s.trim().split(" +"));
  }

  @Test
  void everythingTheClassifierSendsIsAccepted() {
    int remote = 0;
    for (String a : FRAGMENTS) {
      for (String b : FRAGMENTS) {
        for (String src : SOURCES) {
          List<String> args = new ArrayList<>(split(a));
          args.addAll(split(b));
          args.addAll(split(src));
          for (String tool : List.of("g++", "clang++")) {
            Decision d = ArgumentClassifier.classify(tool, Path.of("/usr/bin/" + tool), args, CWD);
            if (!(d instanceof Decision.Remote r)) {
              continue;
            }
            remote++;
            assertEquals(Optional.empty(), ServantArgsPolicy.check(r.remoteArgs()), () -> tool + " " + args);
            if (!r.fallbackRemoteArgs().isEmpty()) {
              assertEquals(Optional.empty(), ServantArgsPolicy.check(r.fallbackRemoteArgs()), () -> tool + " " + args + " (fallback)");
            }
          }
        }
      }
    }
    assertTrue(remote > 10_000, "corpus too small: " + remote);
  }

  @Test
  void aPlainCompileOfPreprocessedStdinIsAccepted() {
    assertEquals(Optional.empty(), ServantArgsPolicy.check(
        List.of("-O2", "-Wall", "-std=c++17", "-c", "-x", "c++", "-fpreprocessed", "-fdirectives-only")));
    assertEquals(Optional.empty(), ServantArgsPolicy.check(
        List.of("-O2", "-c", "-x", "c", "-Xclang", "-main-file-name", "-Xclang", "m.c",
            "-fdebug-compilation-dir=/work/proj", "-fdebug-prefix-map=m.c=/work/proj/src/m.c")));
  }

  /** Found by ServantChecksFuzzTest: the drivers expand "@file" even where it is an option's value. */
  @ParameterizedTest
  @ValueSource(strings = {"-D", "-U", "-z", "-l", "-L", "-T", "-u", "-Xlinker", "--param", "-target", "-arch", "--std", "-mllvm"})
  void aResponseFileAsTheValueOfASeparateOptionIsRefused(String option) {
    Optional<String> why = ServantArgsPolicy.check(List.of("-c", "-x", "c", option, "@a.c"));
    assertEquals(Optional.of("response files are not accepted: @a.c"), why);
    assertEquals(Optional.of("null or NUL in argument 4"), ServantArgsPolicy.check(List.of("-c", "-x", "c", option, "a\0")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-fplugin=/tmp/evil.so", "-fplugin-arg-x-y=1", "-B/tmp", "-B /tmp", "-wrapper gdb,--args", "-specs=x",
      "--specs=x", "-specs x", "-o/etc/passwd", "-o /etc/passwd", "-Wa,-a=/tmp/listing", "-Wa,-adhln=x.lst",
      "-Wa,-o,/tmp/x.o", "-Xassembler -a=/tmp/l", "-Wa,@/etc/shadow", "-save-temps", "-save-temps=obj", "--save-temps",
      "-I/etc", "-I /etc", "-include /etc/passwd", "-imacros /etc/passwd", "-isystem /x", "--sysroot=/", "-MD",
      "-MF /tmp/x.d", "-Wp,-MD,/tmp/x", "-Xpreprocessor -DX", "@/etc/shadow", "/etc/passwd", "-", "-fprofile-use=/x",
      "-fprofile-generate", "-fauto-profile=/x", "-fdump-tree-all", "-fdump-rtl-expand", "-fcallgraph-info",
      "-fopt-info-all=/tmp/x", "-fcompare-debug", "-frandom-seed=@/etc/passwd", "-E", "-M", "-v", "--version",
      "-print-prog-name=cc1", "-x assembler-with-cpp", "-x c-header", "-x", "-Xclang -load -Xclang /tmp/x.so",
      "-Xclang -plugin -Xclang x", "-Xclang -dependency-file -Xclang /tmp/d", "-Xclang -main-file-name -Xclang /etc/x",
      "-Xclang -stats-file=/tmp/s", "-mllvm -info-output-file=/tmp/x",
      "-fsanitize-ignorelist=/etc/x", "-fxray-attr-list=/x", "-fthinlto-index=/x", "-flto", "-gsplit-dwarf",
      "-fmodules", "-fmodule-file=/x", "-frecord-gcc-switches", "-ftime-trace", "-fsave-optimization-record",
      "-foptimization-record-file=/x", "-aux-info /tmp/x", "-dumpdir /tmp/", "-dumpbase x", "-resource-dir /x",
      "--gcc-toolchain=/x", "-ccc-install-dir", "--driver-mode=cl", "-load x.so", "-fpass-plugin=/x.so",
      "-no-such-option", "--no-such-option", "-###", "-Xclang", "-Xclang -fpass-plugin=x.so", "-Xclang -fplugin=x.so",
      "-Xclang -include -Xclang x.h", "-Xclang -I -Xclang inc", "-Xclang -fdump-tree-all", "-Xclang -fmodule-header",
      "-mllvm -load=x.so", "-mllvm -fpass-plugin=x.so"})
  void anythingThatTouchesServantFilesOrRunsOtherCodeIsRefused(String bad) {
    List<String> args = new ArrayList<>(List.of("-O2", "-c", "-x", "c++"));
    args.addAll(split(bad));
    Optional<String> why = ServantArgsPolicy.check(args);
    assertTrue(why.isPresent(), bad);
    assertTrue(why.get().contains(split(bad).get(0)) || why.get().contains("-x"), why.get());
  }

  @Test
  void onlyCompilesAreAccepted() {
    assertTrue(ServantArgsPolicy.check(List.of("-O2", "-x", "c++")).orElseThrow().contains("-c"));
  }

  @Test
  void aDanglingLanguageOptionIsRefused() {
    assertTrue(ServantArgsPolicy.check(List.of("-c", "-x")).isPresent());
  }
}
