package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DependencyFileArgTest {
  private static final Path CWD = Path.of("/w/build");
  private static final Path OUT = Path.of("/w/build/obj/a.o");

  private static DependencyFileArg of(String... args) {
    return DependencyFileArg.of(List.of(args), CWD, OUT);
  }

  @Test
  void namedDerivedOrNone() {
    assertEquals(new DependencyFileArg(true, Path.of("/w/build/deps/a.d")), of("-c", "a.c", "-MD", "-MT", "obj/a.o", "-MF", "deps/a.d", "-o", "obj/a.o"));
    assertEquals(new DependencyFileArg(true, Path.of("/w/build/deps/a.d")), of("-MMD", "-MFdeps/a.d", "-MP", "-MQ", "x"));
    assertEquals(new DependencyFileArg(true, Path.of("/w/build/obj/a.d")), of("-c", "a.c", "-MD", "-o", "obj/a.o"));
    assertEquals(new DependencyFileArg(true, null), of("-c", "a.c", "-o", "obj/a.o"));
  }

  @Test
  void spellingsNotUnderstoodTurnDirectModeOff() {
    assertFalse(of("-MD", "-MF").understood());
    assertFalse(of("-Wp,-MD,a.d").understood());
    assertFalse(of("-MF", "a.d").understood());
    assertFalse(of("-MD", "-MF", "-").understood());
    assertFalse(of("-MG", "-MD").understood());
  }
}
