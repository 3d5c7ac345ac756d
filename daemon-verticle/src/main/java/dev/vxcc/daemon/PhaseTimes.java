package dev.vxcc.daemon;

import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Where a task's time goes, one histogram per phase, on the delegate and on the servant. Shown by
 * {@code vxcc --stats} and read by the bench; exporters use {@link #phases()} and
 * {@link #summary(Phase)}. Recording is lock-free: phases end on event loops and workers alike.
 *
 * <p>Buckets grow by about 2^(1/4) from 4 µs, so a percentile is within 25 % of the truth over
 * everything from microseconds to days; that is plenty to tell which phase dominates.
 */
public final class PhaseTimes {
  /** A phase of one task, named as the stats and the bench print it. */
  public enum Phase {
    /** Delegate: a wrapper waiting for a local slot ({@code /local/acquire} until granted). */
    QUOTA_WAIT("quota-wait", "wrapper waiting for a local slot"),
    /** Delegate: {@code /local/compile} until its directive (argument classification, compiler identity). */
    CLASSIFY("classify", "classify the command line"),
    /** Delegate: direct mode's lookup (manifest get, include and shadowing checks, result get), hit or not. */
    DIRECT_LOOKUP("direct-lookup", "direct mode: manifest, include checks, result"),
    /** Delegate, within direct-lookup: the source's digest and the manifest key. */
    DIRECT_PROBE("direct-probe", "direct mode: source digest, manifest key"),
    /** Delegate, within direct-lookup: the manifest's get from the shared cache, when there was one to ask for. */
    DIRECT_MANIFEST("direct-manifest", "direct mode: manifest from the cache"),
    /** Delegate, within direct-lookup: parsing the manifest, the include digests and the shadowing places. */
    DIRECT_MATCH("direct-match", "direct mode: include and shadowing checks"),
    /** Delegate, within direct-lookup: the matched result's get and the answer built from it. */
    DIRECT_RESULT("direct-result", "direct mode: result from the cache"),
    /** Delegate: the preprocess directive until the wrapper submits the text (the shim's preprocessor run and upload). */
    PREPROCESS("preprocess", "shim preprocessing, directive to submit"),
    /** Delegate: task digest and compression of the preprocessed text. */
    KEY("hash-key", "task digest and source compression"),
    CACHE_LOOKUP("cache-lookup", "shared cache lookup"),
    /** Delegate: until the scheduler granted a servant slot. */
    GRANT_WAIT("grant-wait", "waiting for a servant grant"),
    /** Delegate: the QueueTask call (upload and the servant's checks and process start). */
    UPLOAD("upload", "QueueTask call incl. upload"),
    /** Delegate: the servant's queue, as the servant reports it (source write and compiler start). */
    SERVANT_QUEUE("servant-queue", "servant: queued until the compiler started"),
    /** Delegate: the compiler's run on the servant, as the servant reports it. */
    COMPILE("compile", "servant: compiler run"),
    /** Delegate: first WaitTask until the result arrived, less what the servant reports. */
    DOWNLOAD("download", "result transfer and long-poll overhead"),
    /** Delegate: decompressing outputs into the result directive. */
    WRITE("write", "decompress outputs into the directive"),
    /** Delegate: submit until the directive is ready (everything after the shim's preprocessing). */
    SUBMIT_TO_RESULT("submit-to-result", "submit until the result directive"),
    /** Servant: reading outputs and compressing them. */
    COLLECT("collect", "servant: read and compress outputs"),
    /** Servant: re-deriving the key and building the cache entry. */
    STORE("store", "servant: key check and cache entry");

    private final String code;
    private final String what;

    Phase(String code, String what) {
      this.code = code;
      this.what = what;
    }

    public String code() {
      return code;
    }

    public String what() {
      return what;
    }
  }

  /** The phases a delegate records, in the order a task passes them. */
  public static final List<Phase> DELEGATE = List.of(Phase.QUOTA_WAIT, Phase.CLASSIFY, Phase.DIRECT_LOOKUP, Phase.DIRECT_PROBE,
      Phase.DIRECT_MANIFEST, Phase.DIRECT_MATCH, Phase.DIRECT_RESULT, Phase.PREPROCESS, Phase.KEY,
      Phase.CACHE_LOOKUP, Phase.GRANT_WAIT, Phase.UPLOAD, Phase.SERVANT_QUEUE, Phase.COMPILE, Phase.DOWNLOAD, Phase.WRITE,
      Phase.SUBMIT_TO_RESULT);
  /** The phases a servant records. */
  public static final List<Phase> SERVANT = List.of(Phase.SERVANT_QUEUE, Phase.COMPILE, Phase.COLLECT, Phase.STORE);

  /** count, sum µs, max µs and the buckets of one phase; quantiles in µs (bucket upper bounds). */
  public record Summary(long count, long totalMicros, long maxMicros, long p50Micros, long p90Micros, long p99Micros) {
    public double meanMicros() {
      return count == 0 ? 0 : (double) totalMicros / count;
    }
  }

  private static final int BUCKETS = 4 * 40;
  private static final int COUNT = BUCKETS;
  private static final int SUM = BUCKETS + 1;
  private static final int MAX = BUCKETS + 2;

  private final List<Phase> phases;
  private final Map<Phase, AtomicLongArray> cells = new EnumMap<>(Phase.class);
  private final LongSupplier nanoTime;

  public PhaseTimes(List<Phase> phases) {
    this(phases, System::nanoTime);
  }

  /** @param nanoTime a monotonic clock in nanoseconds (tests step their own) */
  public PhaseTimes(List<Phase> phases, LongSupplier nanoTime) {
    this.phases = List.copyOf(phases);
    this.nanoTime = nanoTime;
    for (Phase p : this.phases) {
      cells.put(p, new AtomicLongArray(BUCKETS + 3));
    }
  }

  public List<Phase> phases() {
    return phases;
  }

  /** A start mark for {@link #since}. */
  public long now() {
    return nanoTime.getAsLong();
  }

  /** Records the time from a mark of {@link #now()} until now. */
  public void since(Phase phase, long startNanos) {
    record(phase, now() - startNanos);
  }

  /** Negative durations (a clock mark from elsewhere) count as zero; phases not tracked here are ignored. */
  public void record(Phase phase, long nanos) {
    AtomicLongArray c = cells.get(phase);
    if (c == null) {
      return;
    }
    long micros = Math.max(0, nanos) / 1000;
    c.incrementAndGet(bucket(micros));
    c.incrementAndGet(COUNT);
    c.addAndGet(SUM, micros);
    c.accumulateAndGet(MAX, micros, Math::max);
  }

  static int bucket(long micros) {
    if (micros < 4) {
      return (int) Math.max(0, micros);
    }
    // From 4 µs on, 4 buckets per power of two: the highest bit and the two bits after it.
    int high = 63 - Long.numberOfLeadingZeros(micros);
    int frac = (int) ((micros >>> (high - 2)) & 3);
    return Math.min(BUCKETS - 1, 4 * (high - 1) + frac);
  }

  /** The largest value that falls in a bucket. */
  static long upperBound(int bucket) {
    if (bucket < 4) {
      return bucket;
    }
    int high = bucket / 4 + 1;
    return ((5L + bucket % 4) << (high - 2)) - 1;
  }

  public Summary summary(Phase phase) {
    AtomicLongArray c = cells.get(phase);
    if (c == null) {
      return new Summary(0, 0, 0, 0, 0, 0);
    }
    long[] b = new long[BUCKETS];
    long n = 0;
    for (int i = 0; i < BUCKETS; i++) {
      b[i] = c.get(i);
      n += b[i];
    }
    long max = c.get(MAX);
    return new Summary(n, c.get(SUM), max, quantile(b, n, 0.5, max), quantile(b, n, 0.9, max), quantile(b, n, 0.99, max));
  }

  private static long quantile(long[] buckets, long n, double q, long max) {
    if (n == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * n);
    long seen = 0;
    for (int i = 0; i < buckets.length; i++) {
      seen += buckets[i];
      if (seen >= rank) {
        return Math.min(upperBound(i), max);
      }
    }
    return max;
  }

  /** Milliseconds with three decimals, by phase code. */
  public JsonObject toJson() {
    JsonObject j = new JsonObject();
    for (Phase p : phases) {
      Summary s = summary(p);
      j.put(p.code(), new JsonObject()
          .put("count", s.count())
          .put("meanMs", ms(Math.round(s.meanMicros())))
          .put("p50Ms", ms(s.p50Micros()))
          .put("p90Ms", ms(s.p90Micros()))
          .put("p99Ms", ms(s.p99Micros()))
          .put("maxMs", ms(s.maxMicros()))
          .put("totalMs", ms(s.totalMicros())));
    }
    return j;
  }

  /** One line per phase that saw a task: count, mean, p50, p90, max in ms. */
  public String toText(String indent) {
    StringBuilder sb = new StringBuilder();
    for (Phase p : phases) {
      Summary s = summary(p);
      if (s.count() == 0) {
        continue;
      }
      sb.append(String.format("%s%-17s %7d  mean %9.3f  p50 %9.3f  p90 %9.3f  max %9.3f ms%n", indent, p.code(), s.count(),
          s.meanMicros() / 1000.0, s.p50Micros() / 1000.0, s.p90Micros() / 1000.0, s.maxMicros() / 1000.0));
    }
    return sb.toString();
  }

  /** The text form of a {@link #toJson()} (the servant's phases reach the delegate's stats as JSON). */
  public static String toText(JsonObject json, String indent) {
    StringBuilder sb = new StringBuilder();
    for (String code : json.fieldNames()) {
      JsonObject s = json.getJsonObject(code);
      if (s == null || s.getLong("count", 0L) == 0) {
        continue;
      }
      sb.append(String.format("%s%-17s %7d  mean %9.3f  p50 %9.3f  p90 %9.3f  max %9.3f ms%n", indent, code, s.getLong("count"),
          s.getDouble("meanMs", 0.0), s.getDouble("p50Ms", 0.0), s.getDouble("p90Ms", 0.0), s.getDouble("maxMs", 0.0)));
    }
    return sb.toString();
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }
}
