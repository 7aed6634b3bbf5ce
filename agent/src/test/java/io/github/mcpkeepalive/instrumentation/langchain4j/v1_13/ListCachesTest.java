package io.github.mcpkeepalive.instrumentation.langchain4j.v1_13;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.mcpkeepalive.instrumentation.langchain4j.common.ListCaches;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Which caches are emptied, on stand-ins with the members of {@code DefaultMcpClient} that matter
 * here, as {@code javap} shows them for 1.11.0-beta19/1.12.2-beta22 and for 1.13.0-beta23 to
 * 1.18.1-beta28 (that the real classes have them is what ReferenceMatrixTest checks).
 */
class ListCachesTest {

  /** 1.11 and 1.12: the tool list behind a flag; the other lists kept for good. */
  static final class Client111 {
    private final AtomicReference<List<Object>> resourceRefs = new AtomicReference<>(List.of("r"));
    private final AtomicReference<List<Object>> resourceTemplateRefs =
        new AtomicReference<>(List.of("t"));
    private final AtomicReference<List<Object>> promptRefs = new AtomicReference<>(List.of("p"));
    private final AtomicReference<List<Object>> toolListRefs =
        new AtomicReference<>(List.of("tool"));
    private final AtomicBoolean toolListOutOfDate = new AtomicBoolean(false);

    public void evictToolListCache() {
      toolListOutOfDate.set(true);
    }
  }

  /** 1.13 to 1.18: every list cached alike, each emptied by setting its reference to null. */
  static final class Client113 {
    private final AtomicReference<List<Object>> resourceRefs = new AtomicReference<>(List.of("r"));
    private final AtomicReference<List<Object>> resourceTemplateRefs =
        new AtomicReference<>(List.of("t"));
    private final AtomicReference<List<Object>> promptRefs = new AtomicReference<>(List.of("p"));
    private final AtomicReference<List<Object>> toolListRefs =
        new AtomicReference<>(List.of("tool"));

    public void evictToolListCache() {
      toolListRefs.set(null);
    }
  }

  @Test
  void before113OnlyTheToolListIsEvicted() throws Throwable {
    Client111 c = new Client111();
    assertEquals("tools", ListCaches.TOOLS.evict(c));
    assertTrue(c.toolListOutOfDate.get());
    assertEquals(
        List.of("r"),
        c.resourceRefs.get(),
        "kept: emptying it could make a concurrent listResources() return null");
    assertEquals(List.of("t"), c.resourceTemplateRefs.get());
    assertEquals(List.of("p"), c.promptRefs.get());
    assertEquals(List.of("tool"), c.toolListRefs.get());
  }

  @Test
  void from113EveryListIsEvicted() throws Throwable {
    Client113 c = new Client113();
    assertEquals("tools, resources, resource templates, prompts", L4j113Module.ALL.evict(c));
    assertNull(c.toolListRefs.get());
    assertNull(c.resourceRefs.get());
    assertNull(c.resourceTemplateRefs.get());
    assertNull(c.promptRefs.get());
  }
}
