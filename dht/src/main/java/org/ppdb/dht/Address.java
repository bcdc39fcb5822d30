package org.ppdb.dht;

/**
 * The network address of a DHT node: an IPv4 or IPv6 address and a port. The DHT never resolves or
 * dials an address itself; the host maps it to a connection (the simulator maps it to a simulated
 * node).
 *
 * <p>The 128-bit IPv6 form is held in two longs ({@code high}, {@code low}); an IPv4 address is
 * held as the IPv4-mapped IPv6 address {@code ::ffff:a.b.c.d}. Keeping the address as primitives
 * lets the table group contacts by IPv4 /24 or IPv6 /64 cheaply (see {@link #sameSubnet}), and
 * keeps the value small (40 bytes) and Kryo-friendly.
 *
 * <p>Immutable and thread-safe.
 *
 * @param high bits 127..64 of the IPv6 form
 * @param low bits 63..0 of the IPv6 form
 * @param port the UDP/TCP port, 0..65535
 */
public record Address(long high, long low, int port) {

  private static final long IPV4_MAPPED_PREFIX = 0x0000_FFFF_0000_0000L;
  private static final long IPV4_MAPPED_MASK = 0xFFFF_FFFF_0000_0000L;

  /** Validates the port. */
  public Address {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port: " + port + " (expected: >= 0 and <= 65535)");
    }
  }

  /** An IPv4 address given as a 32-bit big-endian int ({@code 10.0.0.1} is {@code 0x0A000001}). */
  public static Address ipv4(int ip, int port) {
    return new Address(0, IPV4_MAPPED_PREFIX | (ip & 0xFFFF_FFFFL), port);
  }

  /** An IPv4 address from its four octets. */
  public static Address ipv4(int a, int b, int c, int d, int port) {
    for (int octet : new int[] {a, b, c, d}) {
      if (octet < 0 || octet > 255) {
        throw new IllegalArgumentException("octet: " + octet + " (expected: >= 0 and <= 255)");
      }
    }
    return ipv4((a << 24) | (b << 16) | (c << 8) | d, port);
  }

  /** An address from the raw bytes of an IP address (4 for IPv4, 16 for IPv6). */
  public static Address of(byte[] ip, int port) {
    if (ip == null || (ip.length != 4 && ip.length != 16)) {
      throw new IllegalArgumentException(
          "ip.length: " + (ip == null ? "null" : ip.length) + " (expected: 4 or 16)");
    }
    if (ip.length == 4) {
      return ipv4(
          ((ip[0] & 0xFF) << 24) | ((ip[1] & 0xFF) << 16) | ((ip[2] & 0xFF) << 8) | (ip[3] & 0xFF),
          port);
    }
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (ip[i] & 0xFF);
      low = (low << 8) | (ip[8 + i] & 0xFF);
    }
    return new Address(high, low, port);
  }

  /**
   * Parses {@code a.b.c.d:port} or {@code [ipv6]:port} (IPv6 in the usual colon-hex form, with at
   * most one {@code ::}). Never resolves names.
   */
  public static Address parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("address: null (expected: host:port)");
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("address: " + text + " (expected: host:port)");
    }
    String host = text.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address: " + text + " (expected: a numeric port)", e);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      return of(parseIpv6(host.substring(1, host.length() - 1), text), port);
    }
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("address: " + text + " (expected: a.b.c.d:port)");
    }
    byte[] ip = new byte[4];
    for (int i = 0; i < 4; i++) {
      int octet;
      try {
        octet = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("address: " + text + " (expected: a.b.c.d:port)", e);
      }
      if (octet < 0 || octet > 255) {
        throw new IllegalArgumentException("address: " + text + " (expected: octets 0..255)");
      }
      ip[i] = (byte) octet;
    }
    return of(ip, port);
  }

  private static byte[] parseIpv6(String host, String text) {
    int gap = host.indexOf("::");
    if (gap >= 0 && host.indexOf("::", gap + 1) >= 0) {
      throw new IllegalArgumentException("address: " + text + " (expected: at most one '::')");
    }
    String head = gap >= 0 ? host.substring(0, gap) : host;
    String tail = gap >= 0 ? host.substring(gap + 2) : "";
    String[] headGroups = head.isEmpty() ? new String[0] : head.split(":", -1);
    String[] tailGroups = tail.isEmpty() ? new String[0] : tail.split(":", -1);
    int groups = headGroups.length + tailGroups.length;
    if (groups > 8 || (gap < 0 && groups != 8)) {
      throw new IllegalArgumentException("address: " + text + " (expected: 8 groups of hex)");
    }
    byte[] ip = new byte[16];
    for (int i = 0; i < headGroups.length; i++) {
      putGroup(ip, i, headGroups[i], text);
    }
    for (int i = 0; i < tailGroups.length; i++) {
      putGroup(ip, 8 - tailGroups.length + i, tailGroups[i], text);
    }
    return ip;
  }

  private static void putGroup(byte[] ip, int index, String group, String text) {
    if (group.isEmpty() || group.length() > 4) {
      throw new IllegalArgumentException("address: " + text + " (expected: 1 to 4 hex digits)");
    }
    int value;
    try {
      value = Integer.parseInt(group, 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address: " + text + " (expected: hex groups)", e);
    }
    ip[2 * index] = (byte) (value >>> 8);
    ip[2 * index + 1] = (byte) value;
  }

  /** Whether this is an IPv4 address (held in IPv4-mapped form). */
  public boolean isIpv4() {
    return high == 0 && (low & IPV4_MAPPED_MASK) == IPV4_MAPPED_PREFIX;
  }

  /** The raw bytes of the IP address: 4 for IPv4, 16 for IPv6. */
  public byte[] ipBytes() {
    if (isIpv4()) {
      int ip = (int) low;
      return new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
    }
    byte[] ip = new byte[16];
    for (int i = 0; i < 8; i++) {
      ip[i] = (byte) (high >>> (56 - 8 * i));
      ip[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    return ip;
  }

  /**
   * Whether both addresses lie in the same IPv4 /24 or the same IPv6 /64; the unit of the table's
   * Sybil limits (after Ethereum's discv5). Ports are ignored; an IPv4 and an IPv6 address never
   * share a subnet.
   */
  public boolean sameSubnet(Address other) {
    boolean v4 = isIpv4();
    if (v4 != other.isIpv4()) {
      return false;
    }
    if (v4) {
      return (low >>> 8) == (other.low >>> 8);
    }
    return high == other.high;
  }

  /** {@code a.b.c.d:port} or {@code [x:x:x:x:x:x:x:x]:port}. */
  @Override
  public String toString() {
    if (isIpv4()) {
      int ip = (int) low;
      return (ip >>> 24)
          + "."
          + ((ip >>> 16) & 0xFF)
          + "."
          + ((ip >>> 8) & 0xFF)
          + "."
          + (ip & 0xFF)
          + ":"
          + port;
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < 8; i++) {
      long word = i < 4 ? high : low;
      int group = (int) ((word >>> (48 - 16 * (i & 3))) & 0xFFFF);
      if (i > 0) {
        sb.append(':');
      }
      sb.append(Integer.toHexString(group));
    }
    return sb.append("]:").append(port).toString();
  }
}
