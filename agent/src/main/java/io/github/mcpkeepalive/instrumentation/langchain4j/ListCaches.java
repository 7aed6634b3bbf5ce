package io.github.mcpkeepalive.instrumentation.langchain4j;

import io.github.mcpkeepalive.core.Reflect;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The list caches of a langchain4j-mcp {@code DefaultMcpClient}, emptied when its session is
 * re-initialized: a restarted server may list other tools, resources or prompts, and the library
 * empties a cache only when the server sends its {@code list_changed} notification.
 *
 * <p>Every version keeps the tool list until {@code evictToolListCache()}. From 1.13 on, resources,
 * resource templates and prompts are cached the same way: {@code resourceRefs}, {@code
 * resourceTemplateRefs} and {@code promptRefs} are emptied on their notifications, and a list call
 * returns what it fetched, so emptying them from outside is what the library itself does. 1.11 and
 * 1.12 keep those three lists for the life of the client and never empty them; their list calls
 * fetch into the field and then return the field, so emptying it under a concurrent call could
 * make that call return null. They are left as the library keeps them.
 */
final class ListCaches {

  private static final String[] LISTS_SINCE_1_13 = {"resourceRefs", "resourceTemplateRefs", "promptRefs"};

  /** Present from 1.13 on, where list calls fetch through one method that returns its result. */
  private static final String MARKER_SINCE_1_13 = "resourceListUpdateInProgress";

  private static final ClassValue<Boolean> ALL_LISTS_EVICTABLE =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> clientType) {
          try {
            Reflect.field(clientType, MARKER_SINCE_1_13);
            for (String list : LISTS_SINCE_1_13) {
              if (Reflect.field(clientType, list).getType() != AtomicReference.class) {
                return false;
              }
            }
            return true;
          } catch (NoSuchFieldException e) {
            return false;
          }
        }
      };

  private ListCaches() {}

  /** Empties every list cache the client's version lets the agent empty; returns which, for the log. */
  static String evict(Object client) throws Throwable {
    Reflect.call(client, Reflect.method(client.getClass(), "evictToolListCache"));
    if (!ALL_LISTS_EVICTABLE.get(client.getClass())) {
      return "tools";
    }
    for (String list : LISTS_SINCE_1_13) {
      ((AtomicReference<?>) Reflect.get(client, list)).set(null);
    }
    return "tools, resources, resource templates, prompts";
  }
}
