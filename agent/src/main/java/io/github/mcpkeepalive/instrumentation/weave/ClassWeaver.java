package io.github.mcpkeepalive.instrumentation.weave;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Weaves {@link Hook}s into a class file in one ASM pass. Methods no hook selects are copied as
 * they are; a selected method gets its hook calls at its start and before each of its returns, and
 * nothing else changes: no local variable is added, and frames are written only where a hook ends
 * the method early (the method's own first frame, known from its descriptor).
 *
 * <p>Anything that does not fit (a hook whose method is missing or not visible from the class's
 * loader, a value the method does not have, a selector that selects no method) throws {@link
 * IllegalStateException} naming it, before any byte is returned: the caller then leaves the class,
 * and its library, unchanged.
 */
public final class ClassWeaver {

  private ClassWeaver() {}

  /** The bytes of the class {@code bytes} with {@code on} woven in. */
  public static byte[] weave(byte[] bytes, List<On> on, ClassLoader loader) {
    ClassReader reader = new ClassReader(bytes);
    ClassWriter writer = new ClassWriter(reader, 0);
    Visitor visitor = new Visitor(writer, on, loader);
    reader.accept(visitor, 0);
    for (int i = 0; i < on.size(); i++) {
      if (visitor.matched[i] == 0) {
        throw new IllegalStateException(
            "no method of " + reader.getClassName() + " for " + on.get(i).hooks());
      }
    }
    return writer.toByteArray();
  }

  /** A hook resolved against one method: its call's descriptor and where its values come from. */
  private record Call(Hook hook, String owner, String descriptor) {}

  private static final class Visitor extends ClassVisitor {
    private final List<On> on;
    private final ClassLoader loader;
    private final int[] matched;
    private final Map<String, String> fields = new HashMap<>();
    private String owner;
    private boolean frames;

    Visitor(ClassVisitor next, List<On> on, ClassLoader loader) {
      super(Opcodes.ASM9, next);
      this.on = on;
      this.loader = loader;
      this.matched = new int[on.size()];
    }

    @Override
    public void visit(
        int version,
        int access,
        String name,
        String signature,
        String superName,
        String[] interfaces) {
      owner = name;
      frames = (version & 0xFFFF) >= Opcodes.V1_6;
      super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public FieldVisitor visitField(
        int access, String name, String descriptor, String signature, Object value) {
      if ((access & Opcodes.ACC_STATIC) == 0) {
        fields.put(name, descriptor); // a class file lists its fields before its methods
      }
      return super.visitField(access, name, descriptor, signature, value);
    }

    @Override
    public MethodVisitor visitMethod(
        int access, String name, String descriptor, String signature, String[] exceptions) {
      MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
      if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
        return next;
      }
      List<Hook> hooks = new ArrayList<>();
      for (int i = 0; i < on.size(); i++) {
        if (on.get(i).methods().matches(access, name, descriptor)) {
          matched[i]++;
          hooks.addAll(on.get(i).hooks());
        }
      }
      if (hooks.isEmpty()) {
        return next;
      }
      Site site = new Site(owner, access, name, descriptor, fields);
      List<Call> enter = new ArrayList<>();
      List<Call> exit = new ArrayList<>();
      for (Hook h : hooks) {
        (h.at() == Hook.At.ENTER ? enter : exit).add(site.resolve(h, loader));
      }
      return new HookedMethod(next, site, enter, exit, frames);
    }
  }

  /** The method being woven, and what a hook may read in it. */
  private static final class Site {
    final String owner;
    final boolean isStatic;
    final boolean constructor;
    final String name;
    final Type[] args;
    final Type returns;
    final Map<String, String> fields;

    Site(String owner, int access, String name, String descriptor, Map<String, String> fields) {
      this.owner = owner;
      this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
      this.constructor = "<init>".equals(name);
      this.name = name;
      this.args = Type.getArgumentTypes(descriptor);
      this.returns = Type.getReturnType(descriptor);
      this.fields = fields;
    }

    /** The type of {@code v} here; throws when the method has no such value for {@code h}. */
    Type typeOf(Hook.Value v, Hook h) {
      switch (v.kind()) {
        case THIS:
          require(!isStatic && !(constructor && h.at() == Hook.At.ENTER), h, "no 'this' here");
          return Type.getObjectType(owner);
        case ARGUMENT:
          require(v.index() >= 0 && v.index() < args.length, h, "no " + v);
          return args[v.index()];
        case LAST_ARGUMENT:
          require(args.length > 0, h, "no argument");
          return args[args.length - 1];
        case FIELD:
          require(!isStatic && !(constructor && h.at() == Hook.At.ENTER), h, "no 'this' here");
          String d = fields.get(v.name());
          require(d != null, h, "no instance field " + v.name() + " in " + owner);
          return Type.getType(d);
        case RETURN:
          require(h.at() == Hook.At.EXIT && returns.getSort() != Type.VOID, h, "no return value");
          return returns;
        case NULL:
          return Type.getType(Object.class);
        default:
          throw new IllegalStateException(v.toString());
      }
    }

    /** The slot of argument {@code index}. */
    int slot(int index) {
      int slot = isStatic ? 0 : 1;
      for (int i = 0; i < index; i++) {
        slot += args[i].getSize();
      }
      return slot;
    }

    int argumentIndex(Hook.Value v) {
      return v.kind() == Hook.Value.Kind.LAST_ARGUMENT ? args.length - 1 : v.index();
    }

    Call resolve(Hook h, ClassLoader loader) {
      List<Class<?>> params = new ArrayList<>();
      StringBuilder d = new StringBuilder("(");
      for (Hook.Value v : h.values()) {
        Type t = typeOf(v, h);
        boolean primitive = t.getSort() != Type.OBJECT && t.getSort() != Type.ARRAY;
        params.add(primitive ? primitive(t) : Object.class);
        d.append(primitive ? t.getDescriptor() : "Ljava/lang/Object;");
      }
      Class<?> answer;
      switch (h.effect()) {
        case NONE:
          answer = void.class;
          break;
        case SKIP_WHEN_TRUE:
          require(h.at() == Hook.At.ENTER && !constructor, h, "cannot end this method early");
          answer = boolean.class;
          break;
        case RETURN_WHEN_NOT_NULL:
          require(
              h.at() == Hook.At.ENTER && !constructor && isReference(returns),
              h,
              "cannot return an object early here");
          answer = Object.class;
          break;
        case SET_ARGUMENT:
          require(
              h.at() == Hook.At.ENTER
                  && h.target() >= 0
                  && h.target() < args.length
                  && isReference(args[h.target()]),
              h,
              "no object argument " + h.target() + " to set");
          answer = Object.class;
          break;
        case SET_RETURN:
          require(h.at() == Hook.At.EXIT && isReference(returns), h, "no object return to set");
          answer = Object.class;
          break;
        default:
          throw new IllegalStateException(h.effect().name());
      }
      d.append(')').append(Type.getDescriptor(answer));
      Method m = null;
      try {
        m = h.hooks().getMethod(h.method(), params.toArray(new Class<?>[0]));
      } catch (NoSuchMethodException e) {
        require(false, h, "no hook method taking " + params);
      }
      require(
          Modifier.isStatic(m.getModifiers()) && m.getReturnType() == answer,
          h,
          "the hook method must be static and return " + answer);
      require(h.visibleFrom(loader), h, "its class is not visible from " + owner);
      return new Call(h, Type.getInternalName(h.hooks()), d.toString());
    }

    void require(boolean ok, Hook h, String why) {
      if (!ok) {
        throw new IllegalStateException(
            "cannot weave " + h + " into " + owner + "." + name + ": " + why);
      }
    }
  }

  private static boolean isReference(Type t) {
    return t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY;
  }

  private static Class<?> primitive(Type t) {
    switch (t.getSort()) {
      case Type.BOOLEAN:
        return boolean.class;
      case Type.CHAR:
        return char.class;
      case Type.BYTE:
        return byte.class;
      case Type.SHORT:
        return short.class;
      case Type.INT:
        return int.class;
      case Type.FLOAT:
        return float.class;
      case Type.LONG:
        return long.class;
      case Type.DOUBLE:
        return double.class;
      default:
        throw new IllegalStateException("not a primitive: " + t);
    }
  }

  /** A selected method: the hook calls at its start and before each return. */
  private static final class HookedMethod extends MethodVisitor {
    private final Site site;
    private final List<Call> enter;
    private final List<Call> exit;
    private final boolean frames;

    HookedMethod(MethodVisitor next, Site site, List<Call> enter, List<Call> exit, boolean frames) {
      super(Opcodes.ASM9, next);
      this.site = site;
      this.enter = enter;
      this.exit = exit;
      this.frames = frames;
    }

    @Override
    public void visitCode() {
      super.visitCode();
      for (Call c : enter) {
        enter(c);
      }
    }

    @Override
    public void visitInsn(int opcode) {
      if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
        for (Call c : exit) {
          exit(c);
        }
      }
      super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      int extra = 0;
      for (Call c : enter) {
        extra = Math.max(extra, pushed(c) + 2);
      }
      for (Call c : exit) {
        extra = Math.max(extra, pushed(c) + 2 + site.returns.getSize());
      }
      super.visitMaxs(maxStack + extra, maxLocals);
    }

    private int pushed(Call c) {
      int n = 0;
      for (Hook.Value v : c.hook().values()) {
        n += site.typeOf(v, c.hook()).getSize();
      }
      return n;
    }

    private void enter(Call c) {
      for (Hook.Value v : c.hook().values()) {
        load(v, c.hook());
      }
      invoke(c);
      switch (c.hook().effect()) {
        case SET_ARGUMENT:
          Type t = site.args[c.hook().target()];
          cast(t);
          super.visitVarInsn(Opcodes.ASTORE, site.slot(c.hook().target()));
          break;
        case SKIP_WHEN_TRUE:
          {
            Label body = new Label();
            super.visitJumpInsn(Opcodes.IFEQ, body);
            returnDefault();
            super.visitLabel(body);
            firstFrame(new Object[0]);
            super.visitInsn(Opcodes.NOP); // the method's own first frame, if any, comes after
            break;
          }
        case RETURN_WHEN_NOT_NULL:
          {
            Label body = new Label();
            super.visitInsn(Opcodes.DUP);
            super.visitJumpInsn(Opcodes.IFNULL, body);
            cast(site.returns);
            super.visitInsn(Opcodes.ARETURN);
            super.visitLabel(body);
            firstFrame(new Object[] {"java/lang/Object"});
            super.visitInsn(Opcodes.POP);
            break;
          }
        default:
          break;
      }
    }

    /**
     * Before a return: the value returned is on the stack. It is kept there for the hook's values
     * (moved under each value that comes before it) and, when the hook sets it, replaced.
     */
    private void exit(Call c) {
      int returned = site.returns.getSize();
      boolean reads = c.hook().values().contains(Hook.RETURN);
      boolean sets = c.hook().effect() == Hook.Effect.SET_RETURN;
      if (reads && !sets) {
        super.visitInsn(returned == 2 ? Opcodes.DUP2 : Opcodes.DUP); // one copy for the hook
      } else if (!reads && sets) {
        super.visitInsn(returned == 2 ? Opcodes.POP2 : Opcodes.POP);
      }
      boolean under = reads; // the hook's copy is on top until its place comes
      for (Hook.Value v : c.hook().values()) {
        if (v.kind() == Hook.Value.Kind.RETURN) {
          under = false;
          continue;
        }
        load(v, c.hook());
        if (under) {
          moveUnder(site.typeOf(v, c.hook()).getSize(), returned);
        }
      }
      invoke(c);
      if (sets) {
        cast(site.returns);
      }
    }

    /** Swaps the value on top (of {@code size} slots) with the one under it ({@code below}). */
    private void moveUnder(int size, int below) {
      if (size == 1 && below == 1) {
        super.visitInsn(Opcodes.SWAP);
      } else if (size == 1) {
        super.visitInsn(Opcodes.DUP_X2);
        super.visitInsn(Opcodes.POP);
      } else if (below == 1) {
        super.visitInsn(Opcodes.DUP2_X1);
        super.visitInsn(Opcodes.POP2);
      } else {
        super.visitInsn(Opcodes.DUP2_X2);
        super.visitInsn(Opcodes.POP2);
      }
    }

    private void load(Hook.Value v, Hook h) {
      switch (v.kind()) {
        case THIS:
          super.visitVarInsn(Opcodes.ALOAD, 0);
          break;
        case ARGUMENT:
        case LAST_ARGUMENT:
          {
            int i = site.argumentIndex(v);
            super.visitVarInsn(site.args[i].getOpcode(Opcodes.ILOAD), site.slot(i));
            break;
          }
        case FIELD:
          super.visitVarInsn(Opcodes.ALOAD, 0);
          super.visitFieldInsn(
              Opcodes.GETFIELD, site.owner, v.name(), site.typeOf(v, h).getDescriptor());
          break;
        case NULL:
          super.visitInsn(Opcodes.ACONST_NULL);
          break;
        default:
          throw new IllegalStateException(v.toString());
      }
    }

    private void invoke(Call c) {
      super.visitMethodInsn(
          Opcodes.INVOKESTATIC, c.owner(), c.hook().method(), c.descriptor(), false);
    }

    private void cast(Type t) {
      if (!"java/lang/Object".equals(t.getInternalName())) {
        super.visitTypeInsn(Opcodes.CHECKCAST, t.getInternalName());
      }
    }

    private void returnDefault() {
      switch (site.returns.getSort()) {
        case Type.VOID:
          super.visitInsn(Opcodes.RETURN);
          break;
        case Type.LONG:
          super.visitInsn(Opcodes.LCONST_0);
          super.visitInsn(Opcodes.LRETURN);
          break;
        case Type.FLOAT:
          super.visitInsn(Opcodes.FCONST_0);
          super.visitInsn(Opcodes.FRETURN);
          break;
        case Type.DOUBLE:
          super.visitInsn(Opcodes.DCONST_0);
          super.visitInsn(Opcodes.DRETURN);
          break;
        case Type.OBJECT:
        case Type.ARRAY:
          super.visitInsn(Opcodes.ACONST_NULL);
          super.visitInsn(Opcodes.ARETURN);
          break;
        default:
          super.visitInsn(Opcodes.ICONST_0);
          super.visitInsn(Opcodes.IRETURN);
          break;
      }
    }

    /**
     * A frame with the method's locals as they are on entry (this and the arguments) and {@code
     * stack}: the frame the JVM assumes at the start, so that the method's own first frame, which
     * the class file stores relative to it, keeps its meaning.
     */
    private void firstFrame(Object[] stack) {
      if (!frames) {
        return;
      }
      List<Object> locals = new ArrayList<>();
      if (!site.isStatic) {
        locals.add(site.owner);
      }
      for (Type t : site.args) {
        switch (t.getSort()) {
          case Type.BOOLEAN:
          case Type.CHAR:
          case Type.BYTE:
          case Type.SHORT:
          case Type.INT:
            locals.add(Opcodes.INTEGER);
            break;
          case Type.FLOAT:
            locals.add(Opcodes.FLOAT);
            break;
          case Type.LONG:
            locals.add(Opcodes.LONG);
            break;
          case Type.DOUBLE:
            locals.add(Opcodes.DOUBLE);
            break;
          case Type.ARRAY:
            locals.add(t.getDescriptor());
            break;
          default:
            locals.add(t.getInternalName());
            break;
        }
      }
      super.visitFrame(Opcodes.F_FULL, locals.size(), locals.toArray(), stack.length, stack);
    }
  }
}
