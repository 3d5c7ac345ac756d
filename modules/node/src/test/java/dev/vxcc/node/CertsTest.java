package dev.vxcc.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CertsTest {
  @TempDir
  Path dir;

  private static int run(String... args) {
    return new CommandLine(new NodeMain()).execute(args);
  }

  private static X509Certificate cert(Path pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
  }

  @Test
  void createsACaAndNodeCertificatesItSigned() throws Exception {
    Path ca = dir.resolve("ca");
    Path out = dir.resolve("node");
    assertEquals(0, run("certs", "ca", "-out", ca.toString()));
    assertEquals(0, run("certs", "node", "-ca", ca.toString(), "-name", "build-1", "-san", "build-1.lan,10.0.0.7", "-out", out.toString()));

    X509Certificate node = cert(out.resolve("build-1.pem"));
    node.verify(cert(ca.resolve("ca.pem")).getPublicKey());
    assertTrue(node.getSubjectAlternativeNames().contains(List.of(2, "build-1.lan")), node.getSubjectAlternativeNames().toString());
    assertTrue(node.getSubjectAlternativeNames().contains(List.of(7, "10.0.0.7")), node.getSubjectAlternativeNames().toString());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("build-1-key.pem"))));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("ca-key.pem"))));

    // Never overwrites a key.
    String before = Files.readString(ca.resolve("ca-key.pem"));
    assertEquals(1, run("certs", "ca", "-out", ca.toString()));
    assertEquals(before, Files.readString(ca.resolve("ca-key.pem")));
  }

  @Test
  void aClusteredNodeWithoutTlsRefusesToStartNamingTheFix() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    try {
      assertEquals(2, run("run", "scheduler", "-cluster", "-conf", "{}"));
    } finally {
      System.setErr(err);
    }
    String message = captured.toString();
    assertTrue(message.contains("\"tls\"") && message.contains("vxcc-node certs") && message.contains("insecure"), message);
    assertEquals(1, message.strip().lines().count(), message);
  }
}
