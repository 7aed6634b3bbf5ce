package io.github.mcpkeepalive.instrumentation.weave;

/** Stands in for a library class: methods of every shape a hook is woven into. */
public class WeaveTarget {
  public int count = 3;
  public Object label = "label";

  public WeaveTarget() {}

  public WeaveTarget(String name) {
    this.label = name;
  }

  public String greet(String name, int times, long big, double ratio) {
    return name + times + big + ratio;
  }

  public Object pick(boolean first, Object a, Object b) {
    if (first) {
      return a;
    }
    return b;
  }

  public long sum(long a, int b) {
    return a + b;
  }

  public void run(Runnable r) {
    r.run();
  }

  /** A loop from the first instruction: the method's own first frame is at offset 0. */
  public int countDown(int n) {
    int steps = 0;
    do {
      steps++;
      n--;
    } while (n > 0);
    return steps;
  }

  public CharSequence text(CharSequence s) {
    return s;
  }

  public static String shout(String s) {
    return s.toUpperCase(java.util.Locale.ROOT);
  }
}
