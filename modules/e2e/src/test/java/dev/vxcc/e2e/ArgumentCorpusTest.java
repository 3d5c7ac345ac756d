package dev.vxcc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vxcc.daemon.args.ArgumentClassifier;
import dev.vxcc.daemon.args.Decision;
import dev.vxcc.testkit.Commands;
import dev.vxcc.testkit.Sources;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Replays every compile command CMake generates for two real Debian projects through the
 * classifier: none may throw or go undecided, and the plain optimised compiles that make up a
 * normal build must be distributed. Prints the remote share and the local reasons.
 */
class ArgumentCorpusTest {

  private record Config(String name, List<String> cmakeArgs, boolean plainO2) {}

  private static final List<Config> CONFIGS = List.of(
      new Config("O2", List.of("-DCMAKE_BUILD_TYPE=None", "-DCMAKE_C_FLAGS=-O2", "-DCMAKE_CXX_FLAGS=-O2"), true),
      new Config("RelWithDebInfo", List.of("-DCMAKE_BUILD_TYPE=RelWithDebInfo"), false));

  @Test
  void ninjaAndLeveldbCompileCommands() throws Exception {
    Map<String, List<String>> projects = new TreeMap<>(Map.of(
        "ninja-build", List.of(),
        "leveldb", List.of("-DLEVELDB_BUILD_TESTS=OFF", "-DLEVELDB_BUILD_BENCHMARKS=OFF")));
    int total = 0;
    int remote = 0;
    Map<String, Integer> reasons = new TreeMap<>();
    List<String> plainNotRemote = new ArrayList<>();
    for (Map.Entry<String, List<String>> p : projects.entrySet()) {
      Path src = Sources.debian(p.getKey());
      for (Config c : CONFIGS) {
        Path build = E2e.work("corpus-" + p.getKey() + "-" + c.name());
        List<String> cmake = new ArrayList<>(List.of("cmake", "-S", src.toString(), "-B", build.toString(),
            "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"));
        cmake.addAll(c.cmakeArgs());
        cmake.addAll(p.getValue());
        Commands.run(build, Map.of(), 300, cmake).orFail("cmake " + p.getKey());
        JsonArray commands = new JsonArray(Files.readString(build.resolve("compile_commands.json")));
        assertFalse(commands.isEmpty(), p.getKey() + " has no compile commands");
        int projectRemote = 0;
        for (Object o : commands) {
          JsonObject e = (JsonObject) o;
          List<String> argv = e.containsKey("arguments")
              ? e.getJsonArray("arguments").stream().map(Object::toString).toList()
              : split(e.getString("command"));
          Path compiler = Path.of(argv.get(0));
          Decision d = ArgumentClassifier.classify(compiler.getFileName().toString(), compiler, argv.subList(1, argv.size()),
              Path.of(e.getString("directory")));
          assertNotNull(d, e.encode());
          total++;
          if (d instanceof Decision.Remote) {
            remote++;
            projectRemote++;
          } else {
            Decision.Local l = (Decision.Local) d;
            reasons.merge(l.reason().code(), 1, Integer::sum);
            if (l.reason() == dev.vxcc.daemon.args.LocalReason.BAD_INPUT) {
              throw new AssertionError("classifier failed on " + e.encode() + ": " + l.detail());
            }
            boolean plain = c.plainO2() && e.getString("file").endsWith(".cc") && argv.contains("-O2")
                && argv.stream().noneMatch(a -> a.startsWith("-g"));
            if (plain) {
              plainNotRemote.add(e.getString("file") + " -> " + l.reason().code() + " " + l.detail());
            }
          }
        }
        System.out.printf("corpus %s/%s: %d commands, %d remote%n", p.getKey(), c.name(), commands.size(), projectRemote);
      }
    }
    System.out.printf("corpus total: %d commands, %d remote (%.1f %%), local reasons %s%n", total, remote,
        100.0 * remote / Math.max(1, total), reasons);
    assertTrue(total > 50, "expected a real corpus, got " + total + " commands");
    assertEquals(List.of(), plainNotRemote, "plain -O2 compiles of .cc files must be distributed");
  }

  /** POSIX shell word splitting as CMake writes "command": quotes, backslash escapes, no expansion. */
  static List<String> split(String command) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = null;
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          cur.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\' && i + 1 < command.length() && "\"\\$`\n".indexOf(command.charAt(i + 1)) >= 0) {
          cur.append(command.charAt(++i));
        } else {
          cur.append(c);
        }
      } else if (Character.isWhitespace(c)) {
        if (cur != null) {
          out.add(cur.toString());
          cur = null;
        }
      } else {
        if (cur == null) {
          cur = new StringBuilder();
        }
        if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '\\' && i + 1 < command.length()) {
          cur.append(command.charAt(++i));
        } else {
          cur.append(c);
        }
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unbalanced quote in " + command);
    }
    if (cur != null) {
      out.add(cur.toString());
    }
    return out;
  }

  @Test
  void splitsLikeAShell() {
    assertEquals(List.of("/usr/bin/c++", "-DX=\"a b\"", "-DY=it's", "a\\b", "c d"),
        split("/usr/bin/c++  -DX=\"\\\"a b\\\"\" '-DY=it'\\''s' a\\\\b c\\ d"));
  }
}
