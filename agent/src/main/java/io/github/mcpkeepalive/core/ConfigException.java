package io.github.mcpkeepalive.core;

/** An invalid configuration value; its message names the key, the value and the accepted range. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
