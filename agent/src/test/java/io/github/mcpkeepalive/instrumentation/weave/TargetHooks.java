package io.github.mcpkeepalive.instrumentation.weave;

import java.util.ArrayList;
import java.util.List;

/** The hooks woven into {@link WeaveTarget} by {@link ClassWeaverTest}: each records its call. */
public final class TargetHooks {

  static final List<String> CALLS = new ArrayList<>();
  static boolean skip;
  static Object answer;

  private TargetHooks() {}

  public static void seen(
      Object self,
      Object name,
      int times,
      long big,
      double ratio,
      int count,
      Object label,
      double last,
      Object none) {
    CALLS.add(
        "seen "
            + self.getClass().getSimpleName()
            + " "
            + name
            + " "
            + times
            + " "
            + big
            + " "
            + ratio
            + " "
            + count
            + " "
            + label
            + " "
            + last
            + " "
            + none);
  }

  public static void picked(Object a, Object returned, Object self) {
    CALLS.add("picked " + a + " -> " + returned + " on " + self.getClass().getSimpleName());
  }

  public static void summed(long a, long returned, int b) {
    CALLS.add("summed " + a + " + " + b + " = " + returned);
  }

  public static Object replaced(Object returned) {
    return "[" + returned + "]";
  }

  public static Object wrapped(Object runnable) {
    Runnable r = (Runnable) runnable;
    return (Runnable)
        () -> {
          CALLS.add("before");
          r.run();
        };
  }

  public static boolean skipping(Object self) {
    CALLS.add("skipping? " + skip);
    return skip;
  }

  public static Object instead(Object self, Object arg) {
    return answer;
  }

  public static void creating(Object name) {
    CALLS.add("creating " + name);
  }

  public static void created(Object self) {
    CALLS.add("created " + ((WeaveTargetView) () -> self).label());
  }

  public static void shouted(Object s) {
    CALLS.add("shouted " + s);
  }

  public static int wrongAnswer(Object self) {
    return 0;
  }

  /** Reads the label of a woven instance, whose class is not the test's WeaveTarget. */
  interface WeaveTargetView {
    Object self();

    default Object label() {
      try {
        return self().getClass().getField("label").get(self());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
