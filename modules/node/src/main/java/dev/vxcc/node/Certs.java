package dev.vxcc.node;

import dev.vxcc.common.net.ClusterCa;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vxcc-node certs ca|node}: the cluster CA and one certificate per node, as PEM files that
 * the {@code "tls"} config block names. Keys are written owner-only and never overwritten.
 */
@Command(name = "certs", mixinStandardHelpOptions = true, subcommands = {Certs.Ca.class, Certs.Node.class},
    description = "Create the cluster CA and node certificates for mutual TLS between nodes.")
final class Certs {
  static final String CA_CERT = "ca.pem";
  static final String CA_KEY = "ca-key.pem";

  private Certs() {}

  @Command(name = "ca", mixinStandardHelpOptions = true,
      description = "Create a cluster CA: DIR/ca.pem (give it to every node) and DIR/ca-key.pem (keep it off the nodes).")
  static final class Ca implements Callable<Integer> {
    @Option(names = "-out", required = true, paramLabel = "DIR", description = "Directory to write into (created if missing).")
    Path out;

    @Option(names = "-name", paramLabel = "NAME", description = "The CA's common name (default: vxcc cluster CA).")
    String name = "vxcc cluster CA";

    @Option(names = "-days", paramLabel = "DAYS", description = "Validity in days (default 3650).")
    int days = 3650;

    @Override
    public Integer call() {
      return run(() -> {
        ClusterCa ca = ClusterCa.create(name, Duration.ofDays(days));
        write(out.resolve(CA_CERT), ca.certPem(), false);
        write(out.resolve(CA_KEY), ca.keyPem(), true);
        System.out.println("wrote " + out.resolve(CA_CERT) + " and " + out.resolve(CA_KEY));
      });
    }
  }

  @Command(name = "node", mixinStandardHelpOptions = true,
      description = "Issue a node certificate signed by the CA: DIR/NAME.pem and DIR/NAME-key.pem.")
  static final class Node implements Callable<Integer> {
    @Option(names = "-ca", required = true, paramLabel = "DIR", description = "Directory holding ca.pem and ca-key.pem.")
    Path caDir;

    @Option(names = "-name", required = true, paramLabel = "NAME", description = "Node name (certificate CN and file names).")
    String name;

    @Option(names = "-san", split = ",", paramLabel = "HOST_OR_IP,...",
        description = "Host names and IP addresses the node is reached at (default: localhost,127.0.0.1).")
    List<String> sans = List.of("localhost", "127.0.0.1");

    @Option(names = "-out", required = true, paramLabel = "DIR", description = "Directory to write into (created if missing).")
    Path out;

    @Option(names = "-days", paramLabel = "DAYS", description = "Validity in days (default 825).")
    int days = 825;

    @Override
    public Integer call() {
      if (!name.matches("[A-Za-z0-9._-]+")) {
        System.err.println("vxcc-node certs: -name must be letters, digits, '.', '_' or '-', got '" + name + "'");
        return 2;
      }
      return run(() -> {
        ClusterCa ca = ClusterCa.load(Files.readString(caDir.resolve(CA_CERT)), Files.readString(caDir.resolve(CA_KEY)));
        ClusterCa.NodeCert cert = ca.issue(name, sans, Duration.ofDays(days));
        write(out.resolve(name + ".pem"), cert.certPem(), false);
        write(out.resolve(name + "-key.pem"), cert.keyPem(), true);
        System.out.println("wrote " + out.resolve(name + ".pem") + " and " + out.resolve(name + "-key.pem") + " (SANs " + sans + ")");
      });
    }
  }

  private interface Step {
    void run() throws IOException;
  }

  private static int run(Step step) {
    try {
      step.run();
      return 0;
    } catch (FileAlreadyExistsException e) {
      System.err.println("vxcc-node certs: " + e.getFile() + " exists; not overwriting it");
      return 1;
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      System.err.println("vxcc-node certs: " + e.getMessage());
      return 1;
    }
  }

  /** Creates the file (never replaces one); private files get mode 600 before any byte is written. */
  static void write(Path file, String text, boolean secret) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (secret) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
    Files.writeString(file, text);
  }
}
