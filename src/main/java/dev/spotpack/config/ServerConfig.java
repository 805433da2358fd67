package dev.spotpack.config;

/**
 * HTTP settings.
 *
 * @param maxRequestBodyBytes largest request body accepted (413 above it); the default, 64 MiB,
 *     holds a full-Node filter call for 1,000 nodes (about 10-20 KiB each) several times over
 *
 * <p>Immutable.
 */
public record ServerConfig(long maxRequestBodyBytes) {
  public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = 64L * 1024 * 1024;
  public static final ServerConfig DEFAULT = new ServerConfig(DEFAULT_MAX_REQUEST_BODY_BYTES);
}
