package io.github.mcpkeepalive.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A driver whose pings and reconnects the test answers by hand. */
public final class FakeDriver implements ConnectionDriver {

  public final List<CompletableFuture<Object>> pings = new ArrayList<>();
  public final List<CompletableFuture<Object>> reconnects = new ArrayList<>();
  final List<FailureKind> reconnectCauses = new ArrayList<>();
  boolean alive = true;
  boolean sessionId;
  int abandoned;
  int healthy;
  RuntimeException throwOnPing;

  @Override
  public CompletableFuture<?> ping() {
    if (throwOnPing != null) {
      throw throwOnPing;
    }
    CompletableFuture<Object> f = new CompletableFuture<>();
    pings.add(f);
    return f;
  }

  @Override
  public CompletableFuture<?> reconnect(FailureKind cause) {
    reconnectCauses.add(cause);
    CompletableFuture<Object> f = new CompletableFuture<>();
    reconnects.add(f);
    return f;
  }

  @Override
  public boolean isAlive() {
    return alive;
  }

  @Override
  public boolean sessionIdSent() {
    return sessionId;
  }

  @Override
  public void abandon() {
    abandoned++;
  }

  @Override
  public void onHealthy() {
    healthy++;
  }

  public CompletableFuture<Object> lastPing() {
    return pings.get(pings.size() - 1);
  }

  public CompletableFuture<Object> lastReconnect() {
    return reconnects.get(reconnects.size() - 1);
  }
}
