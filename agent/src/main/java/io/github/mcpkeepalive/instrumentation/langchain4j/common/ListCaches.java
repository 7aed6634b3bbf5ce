package io.github.mcpkeepalive.instrumentation.langchain4j.common;

/**
 * The list caches of a {@code DefaultMcpClient}, emptied after every new session: a restarted
 * server may list other tools, resources or prompts, and the library empties a cache only when the
 * server sends its {@code list_changed} notification.
 *
 * <p>Every version keeps the tool list until {@code evictToolListCache()} ({@link #TOOLS}). 1.11
 * and 1.12 also keep the resource, resource template and prompt lists, for the life of the client:
 * their list calls fetch into the field and then return the field, so emptying it under a
 * concurrent call could make that call return null. They are left as the library keeps them; 1.13
 * caches them like the tools (see {@code v1_13}).
 */
public interface ListCaches {

  /** Empties the caches of {@code client}; returns which, for the log. */
  String evict(Object client) throws Throwable;

  /** The tool list. */
  ListCaches TOOLS =
      client -> {
        L4jRefs.CLIENT_EVICT_TOOLS.invoke(client);
        return "tools";
      };
}
