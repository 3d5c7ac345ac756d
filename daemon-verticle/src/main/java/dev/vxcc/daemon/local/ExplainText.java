package dev.vxcc.daemon.local;

import dev.vxcc.common.bus.ClusterView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The text of {@code vxcc --explain}: where one compile would run, whether the cache could answer it, and why. */
final class ExplainText {
  private ExplainText() {}


  static String render(String tool, List<String> args, Verdict v, ClusterView view, JsonObject cache, long minRemoteSourceBytes) {
    StringBuilder sb = new StringBuilder();
    sb.append("compile: ").append(tool);
    args.forEach(a -> sb.append(' ').append(a));
    sb.append('\n');
    switch (v) {
      case Verdict.Refused r -> sb.append("where:   cannot tell: ").append(r.why()).append('\n');
      case Verdict.Local l -> {
        sb.append("where:   local (").append(l.reason().code()).append("): ").append(l.reason().description()).append('\n');
        sb.append("cache:   not used for local compiles\n");
      }
      case Verdict.Remote r -> {
        List<String> having = view == null ? List.of() : view.servants().stream()
            .map(JsonObject.class::cast)
            .filter(s -> s.getInteger("capacity", 0) > 0 && s.getJsonArray("compilerDigests", new JsonArray()).contains(r.compilerDigest()))
            .map(s -> s.getString("location", "?"))
            .toList();
        sb.append("where:   remote: ").append(r.decision().sourcePath()).append(" -> ").append(r.decision().outputPath())
            .append(" on one of ").append(having.size()).append(having.size() == 1 ? " servant" : " servants")
            .append(" with this compiler (").append(String.join(", ", having)).append(")\n");
        sb.append("how:     preprocess here with `").append(r.compiler());
        r.decision().preprocessArgs().forEach(a -> sb.append(' ').append(a));
        sb.append("`; a preprocessed source under ").append(minRemoteSourceBytes)
            .append(" bytes, or preprocessor diagnostics, would compile locally instead\n");
        sb.append("cache:   ").append(cacheLine(r.env().getOrDefault("VXCC_CACHE_CONTROL", "1"), cache)).append('\n');
      }
    }
    return sb.toString();
  }

  private static String cacheLine(String control, JsonObject cache) {
    if ("0".equals(control)) {
      return "not used (VXCC_CACHE_CONTROL=0)";
    }
    String location = cache == null ? null : cache.getString("location");
    if (location == null) {
      return "no shared cache reachable: nothing to look up (see `vxcc doctor`)";
    }
    if ("2".equals(control)) {
      return "not read, only filled (VXCC_CACHE_CONTROL=2) at " + location;
    }
    return "would preprocess, then look up the key (compiler, arguments, preprocessed source) at " + location
        + "; a hit is used without compiling (sources using __DATE__/__TIME__ are never cached)";
  }
}
