package dev.vxcc.daemon.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MakeRuleTest {
  @Test
  void continuationsEscapesAndPhonyRulesAreHandled() {
    String text = "obj/a.o: /home/u/my\\ dir/a.cc /usr/include/stdio.h \\\n  ../inc/b\\#1.h cost$$.h\n\n../inc/b\\#1.h:\n";
    assertEquals(List.of("/home/u/my dir/a.cc", "/usr/include/stdio.h", "../inc/b#1.h", "cost$.h"), MakeRule.prerequisites(text));
  }

  @Test
  void textWithoutARuleIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> MakeRule.prerequisites("no rule here"));
  }
}
