package dev.vxcc.node;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The Maven project version, the same one the native shim is compiled with. */
public final class Version implements IVersionProvider {
  static final String UNKNOWN = "unknown";

  /** The bare version, e.g. 0.1.0-SNAPSHOT. */
  public static String number() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return UNKNOWN;
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", UNKNOWN);
    } catch (IOException e) {
      return UNKNOWN;
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"vxcc-node " + number()};
  }
}
