package org.ppdb.peer.discovery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a peer says about itself in its mDNS TXT record: cluster name, node id and ports.
 *
 * <p>The TXT record is a DNS-SD key/value list (RFC 6763, section 6): a sequence of strings, each
 * prefixed by its length in one byte, each of the form {@code key=value}. ppdb writes, in this
 * order:
 *
 * <pre>
 *   txtvers=1          format version of this record; a peer ignores versions it does not know
 *   cluster=NAME       cluster name, 1-64 characters of [A-Za-z0-9._-], starting with a letter or digit
 *   id=HEX             node id, 40 lower-case hex digits (the 160-bit hash of the public key)
 *   gossip=PORT        UDP gossip port, 1-65535 (also the port of the SRV record)
 *   data=PORT          TCP data port, 1-65535
 * </pre>
 *
 * <p>Decoding follows the RFC where it speaks (keys are case-insensitive, only the first occurrence
 * of a key counts, entries without {@code =} and unknown keys are ignored) and is strict elsewhere:
 * the record may hold at most {@link #TXT_BYTES_MAX} bytes and {@link #TXT_ENTRIES_MAX} entries,
 * and every value must parse exactly. The record is unauthenticated input from the network, so a
 * malformed one is reported as a {@link MalformedAdvertException} with a {@link
 * MalformedAdvertException.Reason}, counted, and dropped.
 *
 * @param cluster the cluster name
 * @param nodeId the node id as 40 lower-case hex digits
 * @param gossipPort the UDP gossip port
 * @param dataPort the TCP data port
 */
public record MdnsAdvert(String cluster, String nodeId, int gossipPort, int dataPort) {

  /** Format version written by this code, and the only one it reads. */
  public static final String TXT_VERSION = "1";

  /** Longest cluster name, in characters. */
  public static final int CLUSTER_NAME_CHARS_MAX = 64;

  /** Length of a node id in hex digits: 160 bits. */
  public static final int NODE_ID_HEX_CHARS = 40;

  /** Largest TXT record accepted when decoding, in bytes (ours takes about 100). */
  public static final int TXT_BYTES_MAX = 512;

  /** Most key/value entries accepted in one TXT record. */
  public static final int TXT_ENTRIES_MAX = 16;

  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern NODE_ID = Pattern.compile("[0-9a-f]{" + NODE_ID_HEX_CHARS + "}");
  private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");

  static {
    int longest =
        ("txtvers=" + TXT_VERSION).length()
            + "cluster=".length()
            + CLUSTER_NAME_CHARS_MAX
            + "id=".length()
            + NODE_ID_HEX_CHARS
            + 2 * "gossip=65535".length()
            + 5;
    if (longest > TXT_BYTES_MAX) {
      throw new AssertionError("our own longest TXT record must be decodable");
    }
  }

  public MdnsAdvert {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(nodeId, "nodeId");
    if (!CLUSTER_NAME.matcher(cluster).matches()) {
      throw new IllegalArgumentException(
          "cluster: '"
              + cluster
              + "' (expected: 1-"
              + CLUSTER_NAME_CHARS_MAX
              + " characters of [A-Za-z0-9._-], starting with a letter or digit)");
    }
    if (!NODE_ID.matcher(nodeId).matches()) {
      throw new IllegalArgumentException(
          "nodeId: '" + nodeId + "' (expected: " + NODE_ID_HEX_CHARS + " lower-case hex digits)");
    }
    checkPort("gossipPort", gossipPort);
    checkPort("dataPort", dataPort);
  }

  private static void checkPort(String name, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 1-65535)");
    }
  }

  /** True if {@code cluster} is a valid cluster name for an advert. */
  public static boolean isValidClusterName(String cluster) {
    return cluster != null && CLUSTER_NAME.matcher(cluster).matches();
  }

  /** True if {@code nodeId} is 40 lower-case hex digits. */
  public static boolean isValidNodeId(String nodeId) {
    return nodeId != null && NODE_ID.matcher(nodeId).matches();
  }

  /** The TXT record in DNS-SD wire form (length-prefixed strings), as described above. */
  public byte[] encodeTxt() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    writeEntry(out, "txtvers=" + TXT_VERSION);
    writeEntry(out, "cluster=" + cluster);
    writeEntry(out, "id=" + nodeId);
    writeEntry(out, "gossip=" + gossipPort);
    writeEntry(out, "data=" + dataPort);
    return out.toByteArray();
  }

  private static void writeEntry(ByteArrayOutputStream out, String entry) {
    byte[] bytes = entry.getBytes(StandardCharsets.US_ASCII);
    out.write(bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  /**
   * Decodes a TXT record in DNS-SD wire form.
   *
   * <p>Cost: linear in {@code txt.length}, which is checked first. Thread-safe.
   *
   * @throws MalformedAdvertException if the record is not a valid ppdb advert of this version
   */
  public static MdnsAdvert decodeTxt(byte[] txt) throws MalformedAdvertException {
    if (txt == null || txt.length == 0) {
      throw new MalformedAdvertException(
          MalformedAdvertException.Reason.MISSING_KEY, "empty TXT record");
    }
    if (txt.length > TXT_BYTES_MAX) {
      throw new MalformedAdvertException(
          MalformedAdvertException.Reason.TOO_LARGE,
          "TXT record of " + txt.length + " bytes (expected: <= " + TXT_BYTES_MAX + ")");
    }
    Map<String, String> values = new HashMap<>();
    int entries = 0;
    int at = 0;
    while (at < txt.length) {
      int length = txt[at] & 0xff;
      at++;
      if (length > txt.length - at) {
        throw new MalformedAdvertException(
            MalformedAdvertException.Reason.BAD_FRAMING,
            "entry of "
                + length
                + " bytes at offset "
                + (at - 1)
                + " runs past the end ("
                + txt.length
                + " bytes)");
      }
      if (length == 0) {
        continue; // an empty string is how DNS-SD writes an empty TXT record
      }
      if (++entries > TXT_ENTRIES_MAX) {
        throw new MalformedAdvertException(
            MalformedAdvertException.Reason.TOO_MANY_ENTRIES,
            "more than " + TXT_ENTRIES_MAX + " entries");
      }
      int equals = -1;
      for (int i = at; i < at + length; i++) {
        int b = txt[i] & 0xff;
        if (b < 0x20 || b > 0x7e) {
          throw new MalformedAdvertException(
              MalformedAdvertException.Reason.BAD_VALUE,
              "byte 0x"
                  + Integer.toHexString(b)
                  + " at offset "
                  + i
                  + " (expected: printable ASCII)");
        }
        if (b == '=' && equals < 0) {
          equals = i;
        }
      }
      if (equals > at) { // no '=' (a boolean attribute) or an empty key: ignored (RFC 6763 6.4)
        String key =
            new String(txt, at, equals - at, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        String value =
            new String(txt, equals + 1, at + length - equals - 1, StandardCharsets.US_ASCII);
        values.putIfAbsent(key, value);
      }
      at += length;
    }
    String version = require(values, "txtvers");
    if (!TXT_VERSION.equals(version)) {
      throw new MalformedAdvertException(
          MalformedAdvertException.Reason.UNSUPPORTED_VERSION,
          "txtvers=" + version + " (expected: " + TXT_VERSION + ")");
    }
    String cluster = require(values, "cluster");
    if (!isValidClusterName(cluster)) {
      throw new MalformedAdvertException(
          MalformedAdvertException.Reason.BAD_VALUE, "cluster='" + cluster + "'");
    }
    String nodeId = require(values, "id");
    if (!isValidNodeId(nodeId)) {
      throw new MalformedAdvertException(
          MalformedAdvertException.Reason.BAD_VALUE,
          "id='" + nodeId + "' (expected: " + NODE_ID_HEX_CHARS + " lower-case hex digits)");
    }
    int gossipPort = requirePort(values, "gossip");
    int dataPort = requirePort(values, "data");
    return new MdnsAdvert(cluster, nodeId, gossipPort, dataPort);
  }

  private static String require(Map<String, String> values, String key)
      throws MalformedAdvertException {
    String value = values.get(key);
    if (value == null) {
      throw new MalformedAdvertException(
          MalformedAdvertException.Reason.MISSING_KEY, "missing key '" + key + "'");
    }
    return value;
  }

  private static int requirePort(Map<String, String> values, String key)
      throws MalformedAdvertException {
    String value = require(values, key);
    int port = PORT.matcher(value).matches() ? Integer.parseInt(value) : -1;
    if (port < 1 || port > 65535) {
      throw new MalformedAdvertException(
          MalformedAdvertException.Reason.BAD_VALUE,
          key + "='" + value + "' (expected: a port from 1 to 65535)");
    }
    return port;
  }
}
