package org.ppdb.peer.admin;

import java.net.InetAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Configuration of {@link AdminServer}.
 *
 * @param bindAddress where to listen, default 127.0.0.1. The admin endpoints are unauthenticated
 *     and show the membership, so binding elsewhere is an explicit operator decision.
 * @param port the TCP port, default {@link #PORT_DEFAULT}; 0 picks an ephemeral port (tests).
 * @param requestBytesMax largest request body accepted, in bytes, default {@link
 *     #REQUEST_BYTES_MAX_DEFAULT}; larger requests get 413. The endpoints take no body, so this
 *     only bounds what a client can make the server buffer.
 * @param uriBytesMax longest request target (path and query), in bytes, default {@link
 *     #URI_BYTES_MAX_DEFAULT}; longer gets 414.
 * @param headerBytesMax largest header block, in bytes, default {@link #HEADER_BYTES_MAX_DEFAULT};
 *     larger gets 431.
 * @param idleTimeoutNanos a connection with no traffic for this long is closed, default 30 s.
 *     Shorter frees slots sooner from clients that went away; too short cuts slow scrapers.
 * @param connectionsMax most open connections, default {@link #CONNECTIONS_MAX_DEFAULT}; further
 *     ones get 503 and are closed. Scrapers and the CLI need a handful.
 */
public record AdminConfig(
    InetAddress bindAddress,
    int port,
    int requestBytesMax,
    int uriBytesMax,
    int headerBytesMax,
    long idleTimeoutNanos,
    int connectionsMax) {

  /** Default admin port. */
  public static final int PORT_DEFAULT = 7948;

  /** Default of {@link #requestBytesMax()}: 8 KiB. */
  public static final int REQUEST_BYTES_MAX_DEFAULT = 8 * 1024;

  /** Default of {@link #uriBytesMax()}: 2 KiB. */
  public static final int URI_BYTES_MAX_DEFAULT = 2 * 1024;

  /** Default of {@link #headerBytesMax()}: 8 KiB. */
  public static final int HEADER_BYTES_MAX_DEFAULT = 8 * 1024;

  /** Default of {@link #idleTimeoutNanos()}: 30 s. */
  public static final long IDLE_TIMEOUT_NANOS_DEFAULT = TimeUnit.SECONDS.toNanos(30);

  /** Default of {@link #connectionsMax()}. */
  public static final int CONNECTIONS_MAX_DEFAULT = 16;

  /** Hard ceiling on the byte limits above: 1 MiB. */
  public static final int LIMIT_BYTES_CEILING = 1 << 20;

  public AdminConfig {
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
    }
    checkBytes("requestBytesMax", requestBytesMax, 0);
    checkBytes("uriBytesMax", uriBytesMax, "/members".length());
    checkBytes("headerBytesMax", headerBytesMax, 64);
    if (idleTimeoutNanos < TimeUnit.MILLISECONDS.toNanos(1)) {
      throw new IllegalArgumentException(
          "idleTimeoutNanos: " + idleTimeoutNanos + " (expected: >= 1000000)");
    }
    if (connectionsMax < 1 || connectionsMax > 4096) {
      throw new IllegalArgumentException(
          "connectionsMax: " + connectionsMax + " (expected: 1-4096)");
    }
  }

  private static void checkBytes(String name, int value, int min) {
    if (value < min || value > LIMIT_BYTES_CEILING) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: " + min + "-" + LIMIT_BYTES_CEILING + ")");
    }
  }

  /** The defaults: 127.0.0.1 on {@link #PORT_DEFAULT}. */
  public static AdminConfig defaults() {
    return new AdminConfig(
        InetAddress.getLoopbackAddress(),
        PORT_DEFAULT,
        REQUEST_BYTES_MAX_DEFAULT,
        URI_BYTES_MAX_DEFAULT,
        HEADER_BYTES_MAX_DEFAULT,
        IDLE_TIMEOUT_NANOS_DEFAULT,
        CONNECTIONS_MAX_DEFAULT);
  }

  /** A copy listening on {@code address} and {@code port}. */
  public AdminConfig withBind(InetAddress address, int port) {
    return new AdminConfig(
        address,
        port,
        requestBytesMax,
        uriBytesMax,
        headerBytesMax,
        idleTimeoutNanos,
        connectionsMax);
  }

  /** A copy with another connection cap. */
  public AdminConfig withConnectionsMax(int connectionsMax) {
    return new AdminConfig(
        bindAddress,
        port,
        requestBytesMax,
        uriBytesMax,
        headerBytesMax,
        idleTimeoutNanos,
        connectionsMax);
  }

  /** A copy with another idle timeout. */
  public AdminConfig withIdleTimeoutNanos(long idleTimeoutNanos) {
    return new AdminConfig(
        bindAddress,
        port,
        requestBytesMax,
        uriBytesMax,
        headerBytesMax,
        idleTimeoutNanos,
        connectionsMax);
  }
}
