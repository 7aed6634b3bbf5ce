package io.github.mcpkeepalive.instrumentation.langchain4j.v1_13;

import io.github.mcpkeepalive.instrumentation.langchain4j.common.L4jRefs;
import io.github.mcpkeepalive.instrumentation.langchain4j.common.ListCaches;
import io.github.mcpkeepalive.instrumentation.langchain4j.v1_12.L4j112Module;
import io.github.mcpkeepalive.instrumentation.langchain4j.v1_12.StreamRefs;
import io.github.mcpkeepalive.instrumentation.refs.FieldRef;
import io.github.mcpkeepalive.instrumentation.refs.MethodRef;
import io.github.mcpkeepalive.instrumentation.refs.References;
import java.util.concurrent.atomic.AtomicReference;

/**
 * langchain4j-mcp 1.13 and later: as 1.12, and every list cache can be emptied after a new session.
 * From 1.13 resources, resource templates and prompts are cached like the tools: each list call
 * goes through {@code retrieveWithPossibleCaching}, which returns what it fetched, and the library
 * itself empties a cache by setting its reference to null when the server says the list changed.
 */
public final class L4j113Module extends L4j112Module {

  private static final String CLIENT = L4jRefs.CLIENT;
  private static final String ATOMIC_REFERENCE = "java.util.concurrent.atomic.AtomicReference";

  private static final References REFERENCES = new References().include(StreamRefs.REFERENCES);

  static final FieldRef RESOURCES = REFERENCES.field(CLIENT, "resourceRefs", ATOMIC_REFERENCE);
  static final FieldRef RESOURCE_TEMPLATES =
      REFERENCES.field(CLIENT, "resourceTemplateRefs", ATOMIC_REFERENCE);
  static final FieldRef PROMPTS = REFERENCES.field(CLIENT, "promptRefs", ATOMIC_REFERENCE);

  /** Not called: what makes emptying them safe, as every list call returns the list it fetched. */
  static final MethodRef FETCH_THROUGH_CACHE =
      REFERENCES.method(
          CLIENT,
          "retrieveWithPossibleCaching",
          "boolean",
          "java.util.function.Function",
          ATOMIC_REFERENCE,
          "java.util.function.Supplier",
          "dev.langchain4j.invocation.InvocationContext");

  /** The tools, resources, resource templates and prompts. */
  static final ListCaches ALL =
      client -> {
        ListCaches.TOOLS.evict(client);
        for (FieldRef list : new FieldRef[] {RESOURCES, RESOURCE_TEMPLATES, PROMPTS}) {
          ((AtomicReference<?>) list.get(client)).set(null);
        }
        return "tools, resources, resource templates, prompts";
      };

  public L4j113Module() {
    super("langchain4j-mcp-1.13", REFERENCES);
  }

  @Override
  public ListCaches listCaches() {
    return ALL;
  }
}
