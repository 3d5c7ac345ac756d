package dev.vxcc.daemon.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What VXCC_LOG_LEVEL=debug shows about where a result came from and why a compile ran here. */
class NotesTest {
  private static RemoteResult from(String servant) {
    return new RemoteResult(0, new byte[0], new byte[0], Map.of(), servant);
  }

  @Test
  void aRemoteCompileAndACacheHitAreToldApart() {
    assertEquals("compiled remotely on 10.0.0.7:8335", Notes.of(from("10.0.0.7:8335")));
    assertEquals("from the shared cache", Notes.of(from(RemoteResult.FROM_CACHE)));
  }

  @Test
  void theDiagnosticIsItsFirstWarningOrErrorLineBoundedAndPrintable() {
    byte[] gcc = ("\nIn file included from a.h:1,\n                 from a.c:1:\nb.h:2:7: warning: unused variable 'x'\n")
        .getBytes(StandardCharsets.UTF_8);
    assertEquals("b.h:2:7: warning: unused variable 'x'", Notes.diagnostic(gcc));
    assertEquals("ld: something odd", Notes.diagnostic("\nld: something odd\nmore\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals("a.c:1:1: warning: bell", Notes.diagnostic("a.c:1:1: warning: \u0007bell\r\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals("", Notes.diagnostic("\n  \n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(Notes.MAX_CHARS + 1, Notes.diagnostic("w".repeat(5000).getBytes(StandardCharsets.UTF_8)).length());
  }

  @Test
  void directivesCarryTheNote() {
    var result = dev.vxcc.common.wire.Frames.parse(Directives.result(0, new byte[0], new byte[0],
        List.of(new Directives.OutputFile("a.o", new byte[] {1})), "from the shared cache"));
    assertEquals("from the shared cache", result.text("note"));
    var local = dev.vxcc.common.wire.Frames.parse(Directives.local("remote-diagnostics", "a.c:1:1: warning: x", true, false));
    assertEquals("a.c:1:1: warning: x", local.text("note"));
  }
}
