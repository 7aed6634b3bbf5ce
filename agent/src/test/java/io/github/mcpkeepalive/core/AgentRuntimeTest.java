package io.github.mcpkeepalive.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine as hooks find it while the agent's set-up runs: the set-up hands the libraries to the
 * weaver before it builds the engine, so a hook that runs in between waits for the engine instead
 * of leaving its client unmanaged.
 */
class AgentRuntimeTest {

  private final FakeTime time = new FakeTime();

  @AfterEach
  void reset() {
    AgentRuntime.settingUp(null);
    AgentRuntime.setEngine(null);
  }

  private KeepaliveEngine engine() {
    return new KeepaliveEngine(Settings.defaults(), time, time, () -> 0.5);
  }

  @Test
  void aHookWaitsForTheEngineWhileTheSetUpRuns() throws Exception {
    AgentRuntime.settingUp(new Thread(() -> {}, "set-up"));
    CompletableFuture<KeepaliveEngine> hook = CompletableFuture.supplyAsync(AgentRuntime::engine);
    // nothing completes it but the engine: it waits
    assertFalse(completesWithin(hook, Duration.ofMillis(200)), "the hook waits");
    KeepaliveEngine e = engine();
    AgentRuntime.setEngine(e);
    assertSame(e, hook.get(10, TimeUnit.SECONDS), "and gets the engine once it is built");
  }

  @Test
  void aSetUpThatEndsWithoutAnEngineReleasesTheHooks() throws Exception {
    AgentRuntime.settingUp(new Thread(() -> {}, "set-up"));
    CompletableFuture<KeepaliveEngine> hook = CompletableFuture.supplyAsync(AgentRuntime::engine);
    assertFalse(completesWithin(hook, Duration.ofMillis(200)), "the hook waits");
    AgentRuntime.settingUp(null); // disabled, or failed
    assertNull(hook.get(10, TimeUnit.SECONDS), "and goes on without an engine");
  }

  @Test
  void nothingWaitsOutsideTheSetUp() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(5), () -> assertNull(AgentRuntime.engine(), "no agent: no engine"));
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          AgentRuntime.settingUp(Thread.currentThread());
          assertNull(AgentRuntime.engine(), "the set-up thread itself never waits for itself");
        });
  }

  /** Whether {@code f} completes within {@code d} (false: it was still waiting then). */
  private static boolean completesWithin(CompletableFuture<?> f, Duration d) {
    try {
      f.get(d.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
