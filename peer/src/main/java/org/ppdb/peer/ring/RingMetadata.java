package org.ppdb.peer.ring;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a member publishes about its place on the ring, in its gossip metadata: whether it serves
 * reads yet ({@link State}), the port of its client (Redis protocol) front end, and its tokens.
 * Every peer builds the same ring from the same metadata.
 *
 * <p>Encoding (big-endian): {@code magic 'R' (1 byte) | format version 1 (1) | state (1) | client
 * port (2, unsigned) | token count (2, unsigned) | tokens (8 each, signed)}. At the default of 32
 * tokens that is 263 bytes, inside gossip's 512-byte metadata budget; the budget allows at most
 * {@link #TOKENS_MAX} tokens.
 *
 * @param state {@link State#JOINING} while the member streams its ranges, then {@link State#NORMAL}
 * @param clientPort the client port (0: the member has no client front end)
 * @param tokens the member's tokens (copied)
 */
public record RingMetadata(State state, int clientPort, long[] tokens) {

  /** Most tokens per member that fit gossip's default 512-byte metadata budget. */
  public static final int TOKENS_MAX = 63;

  static final byte MAGIC = 'R';
  static final byte FORMAT_VERSION = 1;
  static final int HEADER_BYTES = 7;

  /** A member's place on the ring. Stable ordinals: they are encoded. */
  public enum State {
    /** Receives writes for its future ranges and streams their data; serves no reads. */
    JOINING,
    /** Owns its ranges: serves reads and writes. */
    NORMAL
  }

  public RingMetadata {
    Objects.requireNonNull(state, "state");
    if (clientPort < 0 || clientPort > 65_535) {
      throw new IllegalArgumentException("clientPort: " + clientPort + " (expected: 0..65535)");
    }
    if (tokens.length < 1 || tokens.length > TOKENS_MAX) {
      throw new IllegalArgumentException(
          "tokens: " + tokens.length + " (expected: 1.." + TOKENS_MAX + ")");
    }
    tokens = tokens.clone();
  }

  /** The same metadata in another state. */
  public RingMetadata withState(State newState) {
    return new RingMetadata(newState, clientPort, tokens);
  }

  /** The tokens (a copy). */
  @Override
  public long[] tokens() {
    return tokens.clone();
  }

  /** The encoded bytes, for {@code Swim.updateMetadata}. */
  public byte[] encode() {
    ByteBuffer buffer =
        ByteBuffer.allocate(HEADER_BYTES + 8 * tokens.length).order(ByteOrder.BIG_ENDIAN);
    buffer.put(MAGIC).put(FORMAT_VERSION).put((byte) state.ordinal());
    buffer.putShort((short) clientPort).putShort((short) tokens.length);
    for (long token : tokens) {
      buffer.putLong(token);
    }
    return buffer.array();
  }

  /**
   * Decodes metadata; returns {@code null} for empty metadata (a member that has not published its
   * ring place yet).
   *
   * @throws IllegalArgumentException if the bytes are not ring metadata of a known format
   */
  public static RingMetadata decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    if (bytes.length < HEADER_BYTES || bytes[0] != MAGIC) {
      throw new IllegalArgumentException(
          "ring metadata: " + bytes.length + " bytes without the 'R' header");
    }
    if (bytes[1] != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "ring metadata format version: " + bytes[1] + " (expected: " + FORMAT_VERSION + ")");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    buffer.position(2);
    int stateOrdinal = buffer.get();
    if (stateOrdinal < 0 || stateOrdinal >= State.values().length) {
      throw new IllegalArgumentException("ring metadata state: " + stateOrdinal);
    }
    int clientPort = Short.toUnsignedInt(buffer.getShort());
    int count = Short.toUnsignedInt(buffer.getShort());
    if (bytes.length != HEADER_BYTES + 8 * count) {
      throw new IllegalArgumentException(
          "ring metadata: "
              + bytes.length
              + " bytes for "
              + count
              + " tokens (expected: "
              + (HEADER_BYTES + 8 * count)
              + ")");
    }
    long[] tokens = new long[count];
    for (int i = 0; i < count; i++) {
      tokens[i] = buffer.getLong();
    }
    return new RingMetadata(State.values()[stateOrdinal], clientPort, tokens);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RingMetadata m
        && state == m.state
        && clientPort == m.clientPort
        && Arrays.equals(tokens, m.tokens);
  }

  @Override
  public int hashCode() {
    return Objects.hash(state, clientPort, Arrays.hashCode(tokens));
  }

  @Override
  public String toString() {
    return "RingMetadata["
        + state
        + ", clientPort="
        + clientPort
        + ", "
        + tokens.length
        + " tokens]";
  }
}
