package dev.vxcc.daemon.servant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ServantArgsPolicyTest {
  @Test
  void aPlainCompileOfPreprocessedStdinIsAccepted() {
    assertEquals(Optional.empty(), ServantArgsPolicy.check(
        List.of("-O2", "-Wall", "-std=c++17", "-c", "-x", "c++", "-fpreprocessed", "-fdirectives-only")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-fplugin=/tmp/evil.so", "-B/tmp", "-wrapper", "-specs=x", "-o/etc/passwd", "-Wa,-a=/tmp/listing",
      "-Xassembler", "-save-temps", "-I/etc", "-include", "-MD", "-Wp,-MD,/tmp/x", "@/etc/shadow", "/etc/passwd", "-fprofile-use=/x"})
  void anythingThatTouchesServantFilesOrRunsOtherCodeIsRefused(String bad) {
    Optional<String> why = ServantArgsPolicy.check(List.of("-O2", "-c", bad));
    assertTrue(why.isPresent(), bad);
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
