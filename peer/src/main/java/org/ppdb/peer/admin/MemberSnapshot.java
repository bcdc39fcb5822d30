package org.ppdb.peer.admin;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One member as the admin surface shows it: a plain, immutable copy made by the node core, so that
 * the admin thread never touches live membership state.
 *
 * <p>Every field is validated, and strictly: {@code ppdb members} builds these from JSON fetched
 * over the network and prints them to a terminal, so an id or address must not be able to carry
 * control characters.
 *
 * @param id the member's node id in lower-case hex, 1 to {@link #ID_CHARS_MAX} digits
 * @param addresses where the member listens, as {@code host:port} ({@code [v6]:port} for IPv6; see
 *     {@link #address(InetSocketAddress)}), at most {@link #ADDRESSES_MAX}, each printable ASCII
 *     without spaces and at most {@link #ADDRESS_CHARS_MAX} characters
 * @param state the member's state
 * @param incarnation the member's incarnation number (SWIM), not negative
 * @param metadataVersion the version of the member's metadata, not negative
 * @param self whether this member is the peer that answered
 */
public record MemberSnapshot(
    String id,
    List<String> addresses,
    MemberState state,
    long incarnation,
    long metadataVersion,
    boolean self) {

  /** Longest id, in hex digits (a 512-bit id would still fit). */
  public static final int ID_CHARS_MAX = 128;

  /** Most addresses per member. */
  public static final int ADDRESSES_MAX = 16;

  /** Longest address, in characters ({@code [v6%zone]:port} fits). */
  public static final int ADDRESS_CHARS_MAX = 80;

  private static final Pattern ID = Pattern.compile("[0-9a-f]{1," + ID_CHARS_MAX + "}");
  private static final Pattern ADDRESS = Pattern.compile("[!-~]{1," + ADDRESS_CHARS_MAX + "}");

  public MemberSnapshot {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "id: '" + id + "' (expected: 1-" + ID_CHARS_MAX + " lower-case hex digits)");
    }
    addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
    if (addresses.size() > ADDRESSES_MAX) {
      throw new IllegalArgumentException(
          "addresses: " + addresses.size() + " (expected: <= " + ADDRESSES_MAX + ")");
    }
    for (String address : addresses) {
      if (!ADDRESS.matcher(address).matches()) {
        throw new IllegalArgumentException(
            "address: '"
                + address
                + "' (expected: 1-"
                + ADDRESS_CHARS_MAX
                + " printable ASCII characters without spaces)");
      }
    }
    Objects.requireNonNull(state, "state");
    if (incarnation < 0) {
      throw new IllegalArgumentException("incarnation: " + incarnation + " (expected: >= 0)");
    }
    if (metadataVersion < 0) {
      throw new IllegalArgumentException(
          "metadataVersion: " + metadataVersion + " (expected: >= 0)");
    }
  }

  /** Formats a socket address the way {@link #addresses()} holds them, without a DNS lookup. */
  public static String address(InetSocketAddress address) {
    String host =
        address.isUnresolved() ? address.getHostString() : address.getAddress().getHostAddress();
    boolean v6 = address.getAddress() instanceof Inet6Address || host.indexOf(':') >= 0;
    return v6 ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
  }
}
