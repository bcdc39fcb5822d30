package org.ppdb.peer.discovery;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One seed given by the operator: a host name or IP literal and a port, not yet resolved.
 *
 * <p>Resolution is left to the caller on purpose: a seed's DNS name may point at different
 * addresses over time (a restarted container), so the node core resolves it at each join attempt,
 * off the node loop. Instances are immutable and thread-safe.
 *
 * @param host a validated host name (RFC 1123), IPv4 literal, or IPv6 literal without brackets
 * @param port 1 to 65535
 */
public record SeedAddress(String host, int port) {

  public SeedAddress {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host: empty (expected: a host name or IP literal)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
  }

  /** True if {@link #host()} is an IPv6 literal. */
  public boolean isIpv6Literal() {
    return host.indexOf(':') >= 0;
  }

  /** An unresolved socket address; no DNS lookup happens here. */
  public InetSocketAddress unresolved() {
    return InetSocketAddress.createUnresolved(host, port);
  }

  /**
   * {@code host:port}, with brackets around IPv6 literals; {@link SeedAddresses} parses it back.
   */
  @Override
  public String toString() {
    return isIpv6Literal() ? "[" + host + "]:" + port : host + ":" + port;
  }
}
