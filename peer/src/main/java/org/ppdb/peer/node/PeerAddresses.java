package org.ppdb.peer.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Conversions between the socket addresses of the peer and the address types of the gossip and DHT
 * cores. Only literal IP addresses are converted: a host name would need a DNS lookup, which must
 * never happen on the node's thread or decide anything in a deterministic core.
 */
final class PeerAddresses {

  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[0-9A-Za-z_.-]+)?");

  private PeerAddresses() {}

  static org.ppdb.gossip.Address toGossip(InetSocketAddress address) {
    return new org.ppdb.gossip.Address(address.getAddress().getHostAddress(), address.getPort());
  }

  static org.ppdb.dht.Address toDht(InetSocketAddress address) {
    return org.ppdb.dht.Address.of(address.getAddress().getAddress(), address.getPort());
  }

  /** The socket address of a gossip address, or null when its host is not a literal IP address. */
  static InetSocketAddress fromGossip(org.ppdb.gossip.Address address) {
    InetAddress ip = literal(address.host());
    return ip == null ? null : new InetSocketAddress(ip, address.port());
  }

  static InetSocketAddress fromDht(org.ppdb.dht.Address address) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(address.ipBytes()), address.port());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a DHT address has 4 or 16 bytes: " + address, e);
    }
  }

  /** Parses a literal IPv4 or IPv6 address without any lookup; null for anything else. */
  static InetAddress literal(String host) {
    boolean ipv4 = IPV4.matcher(host).matches();
    boolean ipv6 = !ipv4 && host.indexOf(':') >= 0 && IPV6.matcher(host).matches();
    if (!ipv4 && !ipv6) {
      return null;
    }
    try {
      // A literal needs no lookup: getByName only parses it.
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
