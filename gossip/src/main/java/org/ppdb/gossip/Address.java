package org.ppdb.gossip;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An advertised address of a member: a host name or literal and a port. The gossip core never
 * resolves it; the host's transport does (the Netty peer opens a connection or sends a datagram to
 * it, the simulator maps it to a simulated node). Immutable, safe to share between threads and
 * between cores.
 *
 * @param host a host name or IP literal, 1 to {@link #HOST_BYTES_MAX} bytes of UTF-8
 * @param port 0 to 65535
 */
public record Address(String host, int port) {
  /** Longest accepted host, in UTF-8 bytes (the DNS name limit). */
  public static final int HOST_BYTES_MAX = 255;

  public Address {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host: empty (expected: 1.." + HOST_BYTES_MAX + " bytes)");
    }
    int bytes = utf8Length(host);
    if (bytes > HOST_BYTES_MAX) {
      throw new IllegalArgumentException(
          "host: " + bytes + " bytes (expected: <= " + HOST_BYTES_MAX + ")");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
  }

  /** Upper bound of this address's size in the compact encoding (see {@link SwimMessage}). */
  int encodedSizeBytes() {
    return Encoding.varIntSize(utf8Length(host)) + utf8Length(host) + 2;
  }

  static int utf8Length(String s) {
    int n = s.length();
    int ascii = 0;
    while (ascii < n && s.charAt(ascii) < 0x80) {
      ascii++;
    }
    return ascii == n ? n : s.getBytes(StandardCharsets.UTF_8).length;
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
