package dev.vxcc.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class NodeMainTest {
  @Test
  void versionIsTheMavenProjectVersionAsTheShimPrintsIt() {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new NodeMain()).setOut(new PrintWriter(out));
    assertEquals(0, cl.execute("--version"));
    // The same ${project.version} the shim is compiled with (ShimTest.versionAndHelp).
    assertEquals("vxcc-node " + System.getProperty("vxcc.version") + System.lineSeparator(), out.toString());
  }
}
