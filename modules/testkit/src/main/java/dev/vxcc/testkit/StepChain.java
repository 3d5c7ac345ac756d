package dev.vxcc.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * For ordered test classes whose later tests build on what earlier ones left behind (a filled
 * cache, a reference build) because redoing it would cost minutes: a test marked {@link Needs}
 * fails at once, naming the earlier step, when that step did not pass. One broken step then reads
 * as one failure and its consequences, not as several unrelated-looking ones.
 */
public final class StepChain implements TestWatcher, BeforeTestExecutionCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(StepChain.class);

  /** The test methods (by name, in the same class) whose results this test builds on. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  public @interface Needs {
    String[] value();
  }

  /** How each step of one test class ended, kept in that class's JUnit store. */
  private static final class Outcomes {
    final Map<String, String> byMethod = new ConcurrentHashMap<>();
  }

  @Override
  public void beforeTestExecution(ExtensionContext context) {
    Needs needs = context.getRequiredTestMethod().getAnnotation(Needs.class);
    if (needs == null) {
      return;
    }
    for (String step : needs.value()) {
      String outcome = outcomes(context).byMethod.get(step);
      if (!"passed".equals(outcome)) {
        throw new AssertionError("earlier step " + step + (outcome == null ? " did not run" : " " + outcome)
            + "; this test builds on what that step leaves behind, so look there first");
      }
    }
  }

  @Override
  public void testSuccessful(ExtensionContext context) {
    record(context, "passed");
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    record(context, "failed: " + firstLine(cause));
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    record(context, "was skipped: " + firstLine(cause));
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    record(context, "is disabled" + reason.map(r -> ": " + r).orElse(""));
  }

  private static void record(ExtensionContext context, String outcome) {
    outcomes(context).byMethod.put(context.getRequiredTestMethod().getName(), outcome);
  }

  /** Enough to recognise the failure; its full report is the earlier test's own. */
  private static String firstLine(Throwable cause) {
    String text = String.valueOf(cause).lines().findFirst().orElse("");
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  private static Outcomes outcomes(ExtensionContext context) {
    ExtensionContext classContext = context.getParent().orElse(context);
    return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(Outcomes.class, k -> new Outcomes(), Outcomes.class);
  }
}
