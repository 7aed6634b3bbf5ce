package io.github.mcpkeepalive.instrumentation.weave;

import java.util.List;

/**
 * One call woven into a library method: at its start or before each of its normal returns, the
 * named {@code public static} method of a hooks class is called with the values listed, and what it
 * answers may replace an argument, replace the return value or end the method early. The woven code
 * is only that call, a few instructions long; everything else happens in the hook, which catches
 * every throwable itself (checked by {@code HooksTest}), so the library's method behaves as before
 * whatever the hook meets.
 *
 * <p>The hook's parameters follow the values: {@code Object} for a reference, the primitive type
 * for a primitive argument or field. It returns {@code void}, {@code boolean} for {@link
 * #skippingWhenTrue()}, else {@code Object}.
 */
public final class Hook {

  /** Where in the method the call is woven. */
  public enum At {
    ENTER,
    EXIT
  }

  /** What the hook's answer does. */
  public enum Effect {
    /** Nothing: the hook only observes. */
    NONE,
    /** Replaces an argument before the method's body runs. */
    SET_ARGUMENT,
    /** Replaces the value returned. */
    SET_RETURN,
    /** True: the method's body is skipped and it returns at once (void, zero or null). */
    SKIP_WHEN_TRUE,
    /** Not null: the method's body is skipped and it returns the hook's answer. */
    RETURN_WHEN_NOT_NULL
  }

  /**
   * A value passed to the hook. Compared by identity: a plain class rather than a record, whose
   * generated {@code equals} would bootstrap {@code ObjectMethods} (tens of milliseconds, once) on
   * the application's thread when the first class is woven.
   */
  public static final class Value {
    public enum Kind {
      THIS,
      ARGUMENT,
      LAST_ARGUMENT,
      FIELD,
      RETURN,
      NULL
    }

    private final Kind kind;
    private final int index;
    private final String name;

    Value(Kind kind, int index, String name) {
      this.kind = kind;
      this.index = index;
      this.name = name;
    }

    public Kind kind() {
      return kind;
    }

    /** The argument's index, for {@link Kind#ARGUMENT}. */
    public int index() {
      return index;
    }

    /** The field's name, for {@link Kind#FIELD}. */
    public String name() {
      return name;
    }

    @Override
    public String toString() {
      switch (kind) {
        case ARGUMENT:
          return "argument " + index;
        case FIELD:
          return "field " + name;
        default:
          return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
      }
    }
  }

  /** The instance the method runs on (not at the start of a constructor). */
  public static final Value THIS = new Value(Value.Kind.THIS, 0, null);

  /** The value the method returns (at its exit only). */
  public static final Value RETURN = new Value(Value.Kind.RETURN, 0, null);

  /** {@code null}, for a hook parameter that this method has nothing for. */
  public static final Value NULL = new Value(Value.Kind.NULL, 0, null);

  /**
   * The method's last argument, whatever their number (lambda bodies whose captured values differ
   * between versions).
   */
  public static final Value LAST_ARGUMENT = new Value(Value.Kind.LAST_ARGUMENT, 0, null);

  /** Argument {@code index}, from 0. */
  public static Value argument(int index) {
    return new Value(Value.Kind.ARGUMENT, index, null);
  }

  /** A field the method's class declares, read on this instance. */
  public static Value field(String name) {
    return new Value(Value.Kind.FIELD, 0, name);
  }

  private final At at;
  private final Class<?> hooks;
  private final String method;
  private final List<Value> values;
  private final Effect effect;
  private final int target;

  private Hook(
      At at, Class<?> hooks, String method, List<Value> values, Effect effect, int target) {
    this.at = at;
    this.hooks = hooks;
    this.method = method;
    this.values = List.copyOf(values);
    this.effect = effect;
    this.target = target;
  }

  /** {@code hooks.method(values…)} at the start of the method. */
  public static Hook onEnter(Class<?> hooks, String method, Value... values) {
    return new Hook(At.ENTER, hooks, method, List.of(values), Effect.NONE, -1);
  }

  /** {@code hooks.method(values…)} before each normal return of the method. */
  public static Hook onExit(Class<?> hooks, String method, Value... values) {
    return new Hook(At.EXIT, hooks, method, List.of(values), Effect.NONE, -1);
  }

  /** The hook's answer replaces argument {@code index} (at the start). */
  public Hook settingArgument(int index) {
    return new Hook(at, hooks, method, values, Effect.SET_ARGUMENT, index);
  }

  /** The hook's answer is returned instead (at the exit). */
  public Hook settingReturn() {
    return new Hook(at, hooks, method, values, Effect.SET_RETURN, -1);
  }

  /** When the hook answers true, the method returns at once (at the start). */
  public Hook skippingWhenTrue() {
    return new Hook(at, hooks, method, values, Effect.SKIP_WHEN_TRUE, -1);
  }

  /** When the hook answers an object, the method returns it at once (at the start). */
  public Hook returningWhenNotNull() {
    return new Hook(at, hooks, method, values, Effect.RETURN_WHEN_NOT_NULL, -1);
  }

  public At at() {
    return at;
  }

  public Class<?> hooks() {
    return hooks;
  }

  /** Whether {@code loader} resolves the name of the hooks class to that very class. */
  public boolean visibleFrom(ClassLoader loader) {
    try {
      return Class.forName(hooks.getName(), false, loader) == hooks;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  public String method() {
    return method;
  }

  public List<Value> values() {
    return values;
  }

  public Effect effect() {
    return effect;
  }

  /** The argument an {@link Effect#SET_ARGUMENT} hook replaces. */
  public int target() {
    return target;
  }

  @Override
  public String toString() {
    return hooks.getSimpleName() + "." + method + " " + values + " at " + at + " " + effect;
  }
}
