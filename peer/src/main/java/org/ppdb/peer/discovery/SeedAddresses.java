package org.ppdb.peer.discovery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses the operator's seed list, {@code --seeds host:port,host:port}, into {@link SeedAddress}es.
 *
 * <p>Accepted forms of one entry: {@code name:port} (an RFC 1123 host name, optionally ending in a
 * dot), {@code 192.0.2.7:port}, and {@code [2001:db8::7]:port} (IPv6 literals need brackets,
 * otherwise the port could not be told from the address; a zone such as {@code %eth0} is allowed).
 * Whitespace around entries is ignored, host names are lower-cased, and repeated entries are kept
 * once, in first-seen order. An empty or blank list means "no seeds". Everything else is refused
 * with an {@link IllegalArgumentException} naming the entry, its position and what was expected,
 * because a typo in a seed would otherwise surface only as a peer that never joins.
 *
 * <p>No DNS lookup happens here: parsing is pure and cheap (linear in the input), and safe from any
 * thread.
 */
public final class SeedAddresses {

  /** Most seeds in one list: more would only slow down every join attempt. */
  public static final int SEEDS_COUNT_MAX = 64;

  /** Longest accepted list, in characters (64 entries of a long host name and a port fit). */
  public static final int SEEDS_TEXT_CHARS_MAX = 64 * (253 + 1 + 5 + 1);

  private static final int HOST_NAME_CHARS_MAX = 253;

  private static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
  private static final Pattern IPV6_CHARS =
      Pattern.compile("[0-9a-fA-F:.]+(%[A-Za-z0-9_.-]{1,32})?");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

  static {
    if (SEEDS_TEXT_CHARS_MAX < SEEDS_COUNT_MAX * ("[::1]:1".length() + 1)) {
      throw new AssertionError("the text limit must admit SEEDS_COUNT_MAX short seeds");
    }
  }

  private SeedAddresses() {}

  /**
   * Parses a comma-separated seed list.
   *
   * @param text the list as given by the operator; {@code null}, empty or blank means no seeds
   * @return the distinct seeds in order of first appearance, at most {@link #SEEDS_COUNT_MAX}
   * @throws IllegalArgumentException if any entry is malformed or a limit is exceeded
   */
  public static List<SeedAddress> parse(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    if (text.length() > SEEDS_TEXT_CHARS_MAX) {
      throw new IllegalArgumentException(
          "seeds: " + text.length() + " characters (expected: <= " + SEEDS_TEXT_CHARS_MAX + ")");
    }
    String[] entries = text.split(",", -1);
    if (entries.length > SEEDS_COUNT_MAX) {
      throw new IllegalArgumentException(
          "seeds: " + entries.length + " entries (expected: <= " + SEEDS_COUNT_MAX + ")");
    }
    Set<SeedAddress> seeds = new LinkedHashSet<>();
    for (int i = 0; i < entries.length; i++) {
      seeds.add(parseEntry(entries[i].strip(), i + 1, entries.length));
    }
    return List.copyOf(seeds);
  }

  /**
   * Parses one {@code host:port} entry.
   *
   * @throws IllegalArgumentException if it is malformed
   */
  public static SeedAddress parseOne(String entry) {
    return parseEntry(entry == null ? "" : entry.strip(), 1, 1);
  }

  private static SeedAddress parseEntry(String entry, int position, int count) {
    String where = "seed " + position + " of " + count + " '" + entry + "'";
    if (entry.isEmpty()) {
      throw new IllegalArgumentException(
          "seed " + position + " of " + count + ": empty (expected: host:port)");
    }
    String host;
    String port;
    if (entry.charAt(0) == '[') {
      int close = entry.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(where + ": missing ']' (expected: [ipv6]:port)");
      }
      host = entry.substring(1, close);
      String rest = entry.substring(close + 1);
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException(where + ": missing port (expected: [ipv6]:port)");
      }
      port = rest.substring(1);
      host = checkIpv6(host, where);
    } else {
      int colon = entry.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(where + ": missing port (expected: host:port)");
      }
      if (entry.indexOf(':') != colon) {
        throw new IllegalArgumentException(
            where + ": IPv6 address without brackets (expected: [ipv6]:port)");
      }
      host = entry.substring(0, colon);
      port = entry.substring(colon + 1);
      host = checkHost(host, where);
    }
    return new SeedAddress(host, checkPort(port, where));
  }

  private static int checkPort(String port, String where) {
    if (port.isEmpty()) {
      throw new IllegalArgumentException(where + ": missing port (expected: host:port)");
    }
    if (!PORT.matcher(port).matches()) {
      throw new IllegalArgumentException(
          where + ": port '" + port + "' (expected: a number from 1 to 65535)");
    }
    int value = Integer.parseInt(port);
    if (value < 1 || value > 65535) {
      throw new IllegalArgumentException(where + ": port " + value + " (expected: 1-65535)");
    }
    return value;
  }

  private static String checkHost(String host, String where) {
    if (host.isEmpty()) {
      throw new IllegalArgumentException(where + ": missing host (expected: host:port)");
    }
    String lower = host.toLowerCase(Locale.ROOT);
    if (DIGITS_AND_DOTS.matcher(lower).matches()) {
      if (!IPV4.matcher(lower).matches()) {
        throw new IllegalArgumentException(
            where + ": '" + host + "' is not a valid IPv4 address (expected: a.b.c.d, each 0-255)");
      }
      return lower;
    }
    String name = lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    if (name.length() > HOST_NAME_CHARS_MAX) {
      throw new IllegalArgumentException(
          where
              + ": host name of "
              + name.length()
              + " characters (expected: <= "
              + HOST_NAME_CHARS_MAX
              + ")");
    }
    for (String label : name.split("\\.", -1)) {
      if (!HOST_LABEL.matcher(label).matches()) {
        throw new IllegalArgumentException(
            where + ": host label '" + label + "' (expected: 1-63 letters, digits or inner '-')");
      }
    }
    return name;
  }

  private static String checkIpv6(String host, String where) {
    if (host.isEmpty() || !IPV6_CHARS.matcher(host).matches() || host.indexOf(':') < 0) {
      throw new IllegalArgumentException(
          where + ": '" + host + "' is not a valid IPv6 address (expected: [ipv6]:port)");
    }
    try {
      // Brackets make InetAddress parse a literal and never fall back to a DNS lookup.
      InetAddress.getByName("[" + host + "]");
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          where + ": '" + host + "' is not a valid IPv6 address (expected: [ipv6]:port)", e);
    }
    return host.toLowerCase(Locale.ROOT);
  }
}
