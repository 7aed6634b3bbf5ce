package io.github.mcpkeepalive.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.instrumentation.langchain4j.Langchain4jInstrumentation;
import io.github.mcpkeepalive.instrumentation.mcpsdk.McpSdkInstrumentation;
import io.github.mcpkeepalive.instrumentation.weave.Hook;
import io.github.mcpkeepalive.instrumentation.weave.On;
import io.github.mcpkeepalive.instrumentation.webflux.SdkWebFluxInstrumentation;
import io.github.mcpkeepalive.instrumentation.webflux.SpringAiWebFluxInstrumentation;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The woven code is only a call into a hook, with no handler around it: the guarantee that nothing
 * the agent meets reaches the library's thread is that every hook method starts a {@code try} that
 * catches {@code Throwable} at its first instruction. Checked here in the class files of every hook
 * that some library support weaves.
 */
class HooksTest {

  static final List<LibraryInstrumentation> LIBRARIES =
      List.of(
          McpSdkInstrumentation.INSTANCE,
          SdkWebFluxInstrumentation.INSTANCE,
          SpringAiWebFluxInstrumentation.INSTANCE,
          Langchain4jInstrumentation.INSTANCE);

  static Set<Hook> allHooks() {
    Set<Hook> hooks = new LinkedHashSet<>();
    for (LibraryInstrumentation library : LIBRARIES) {
      for (InstrumentationModule m : library.modules()) {
        for (String type : m.typeNames()) {
          for (On on : m.hooksFor(type)) {
            hooks.addAll(on.hooks());
          }
        }
      }
    }
    return hooks;
  }

  @Test
  void everyHookCatchesEveryThrowableFromItsFirstInstruction() throws Exception {
    Set<Hook> hooks = allHooks();
    assertTrue(hooks.size() > 25, () -> "all the hooks are found: " + hooks.size());
    List<String> unguarded = new ArrayList<>();
    int checked = 0;
    for (Hook h : hooks) {
      List<Boolean> guards = guards(h.hooks(), h.method());
      assertFalse(guards.isEmpty(), () -> "no public static " + h.method() + " in " + h.hooks());
      for (boolean guarded : guards) {
        checked++;
        if (!guarded) {
          unguarded.add(h.hooks().getSimpleName() + "." + h.method());
        }
      }
    }
    assertTrue(unguarded.isEmpty(), () -> "hooks that may throw: " + unguarded);
    System.out.println("hook methods checked: " + checked);
  }

  /** Stand-ins: a hook that may throw, and one that may not. */
  public static final class Samples {
    public static void unguarded(Object o) {
      o.hashCode();
    }

    public static void guarded(Object o) {
      try {
        o.hashCode();
      } catch (Throwable t) {
        // swallowed
      }
    }
  }

  @Test
  void theCheckTellsAGuardedHookFromAnUnguardedOne() throws Exception {
    assertEquals(List.of(false), guards(Samples.class, "unguarded"));
    assertEquals(List.of(true), guards(Samples.class, "guarded"));
  }

  /**
   * For each public static method {@code name} of {@code type}: whether a handler of {@code
   * Throwable} covers it from its first instruction.
   */
  static List<Boolean> guards(Class<?> type, String name) throws Exception {
    List<Boolean> guards = new ArrayList<>();
    byte[] bytes;
    try (InputStream in =
        type.getResourceAsStream(
            type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class")) {
      bytes = in.readAllBytes();
    }
    new ClassReader(bytes)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(
                  int access, String n, String d, String signature, String[] exceptions) {
                int wanted = Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC;
                if (!n.equals(name) || (access & wanted) != wanted) {
                  return null;
                }
                List<Label> guarded = new ArrayList<>(); // where a Throwable handler's range starts
                List<Label> first = new ArrayList<>(); // the labels before the first instruction
                return new MethodVisitor(Opcodes.ASM9) {
                  private boolean started;

                  @Override
                  public void visitTryCatchBlock(
                      Label start, Label end, Label handler, String caught) {
                    if ("java/lang/Throwable".equals(caught)) {
                      guarded.add(start);
                    }
                  }

                  @Override
                  public void visitLabel(Label label) {
                    if (!started) {
                      first.add(label);
                    }
                  }

                  @Override
                  public void visitVarInsn(int opcode, int var) {
                    started = true;
                  }

                  @Override
                  public void visitInsn(int opcode) {
                    started = true;
                  }

                  @Override
                  public void visitMethodInsn(
                      int opcode, String owner, String n, String d, boolean itf) {
                    started = true;
                  }

                  @Override
                  public void visitJumpInsn(int opcode, Label label) {
                    started = true;
                  }

                  @Override
                  public void visitFieldInsn(int opcode, String owner, String n, String d) {
                    started = true;
                  }

                  @Override
                  public void visitTypeInsn(int opcode, String type) {
                    started = true;
                  }

                  @Override
                  public void visitEnd() {
                    guards.add(guarded.stream().anyMatch(first::contains));
                  }
                };
              }
            },
            0);
    return guards;
  }
}
