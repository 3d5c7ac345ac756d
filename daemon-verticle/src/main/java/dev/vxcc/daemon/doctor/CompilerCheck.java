package dev.vxcc.daemon.doctor;

import dev.vxcc.common.bus.ClusterView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Which of this machine's compilers some servant can run for us (servants know compilers by content). */
public final class CompilerCheck {
  private CompilerCheck() {}

  /**
   * A compiler the shim would run here.
   *
   * @param names the names that lead to it ("gcc, cc")
   * @param version the first line of its {@code --version}, or empty
   * @param digest its identity, or empty when {@code problem} is set
   * @param problem why it cannot be distributed at all (untrusted, probe failed), or empty
   */
  public record Local(List<String> names, Path path, String version, String digest, String problem) {
    public Local {
      names = List.copyOf(names);
    }

    String label() {
      return String.join(", ", names) + " (" + (version.isEmpty() ? path.toString() : version) + ")";
    }
  }

  /** One line per compiler; none without a view (the scheduler check already says why). */
  public static List<Check> checks(List<Local> compilers, ClusterView view) {
    List<Check> out = new ArrayList<>();
    if (compilers.isEmpty()) {
      out.add(Check.warn("compilers", "no gcc, g++, cc, c++, clang or clang++ found in PATH besides vxcc: install one"));
      return out;
    }
    for (Local c : compilers) {
      if (!c.problem().isEmpty()) {
        out.add(Check.warn("compiler", c.names().get(0) + " at " + c.path() + ": " + c.problem() + ": its compiles stay local"));
        continue;
      }
      if (view == null) {
        continue;
      }
      List<JsonObject> serving = ClusterCheck.servants(view).stream().filter(s -> s.getInteger("capacity", 0) > 0).toList();
      List<String> having = serving.stream()
          .filter(s -> s.getJsonArray("compilerDigests", new JsonArray()).contains(c.digest()))
          .map(s -> s.getString("location", "?"))
          .toList();
      if (having.isEmpty()) {
        out.add(Check.warn("compiler", c.label() + ": no servant has it (of " + serving.size() + "): its compiles stay local:"
            + " install the same compiler build on the servants (they must be identical: same version and package)"));
      } else {
        out.add(Check.ok("compiler", c.label() + ": " + having.size() + " of " + serving.size() + " servants have it ("
            + having.stream().collect(Collectors.joining(", ")) + ")"));
      }
    }
    return out;
  }
}
