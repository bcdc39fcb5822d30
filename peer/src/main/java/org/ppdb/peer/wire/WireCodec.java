package org.ppdb.peer.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;

/**
 * Turns registered messages into bytes and back with Kryo, under the limits of {@link
 * WireRegistry}: class registration required (nothing outside the table is ever instantiated),
 * references off, a maximum object depth, and a maximum encoded size checked before decoding
 * starts. Encoding: the message's registration id as an unsigned varint, then the message as its
 * serializer writes it (docs/wire-protocol.md, "Messages").
 *
 * <p>Decoding never throws on bad input: any failure (unknown id, truncated or trailing bytes, a
 * length beyond the input, too deep, a value its record constructor rejects) is returned as a
 * {@link Decoded} with a reason, for the caller to count and drop. Encoding an unregistered or
 * oversized message is a programming error and throws {@link IllegalArgumentException}.
 *
 * <p>Thread-safe: Kryo instances (not thread-safe themselves) come from a bounded pool. Costs: a
 * few hundred nanoseconds plus the message's size for small messages.
 */
public final class WireCodec {
  /** Default nesting limit: messages are shallow records; 16 leaves room without risking stacks. */
  public static final int DEFAULT_MAX_DEPTH = 16;

  /** Kryo instances kept for reuse; more are made under contention and dropped afterwards. */
  static final int POOL_CAPACITY = 16;

  /** The outcome of {@link #decode}: a message, or why there is none. */
  public record Decoded(Object message, String error) {
    /** True iff {@link #message()} holds the decoded message. */
    public boolean ok() {
      return error == null;
    }
  }

  private final int maxMessageBytes;
  private final Pool<Kryo> pool;

  /**
   * @param maxMessageBytes largest encoded message accepted, in either direction
   * @param maxDepth deepest object nesting accepted
   */
  public WireCodec(int maxMessageBytes, int maxDepth) {
    if (maxMessageBytes <= 0) {
      throw new IllegalArgumentException(
          "maxMessageBytes: " + maxMessageBytes + " (expected: > 0)");
    }
    WireRegistry.newKryo(maxDepth); // validates maxDepth eagerly
    this.maxMessageBytes = maxMessageBytes;
    this.pool =
        new Pool<>(true, false, POOL_CAPACITY) {
          @Override
          protected Kryo create() {
            return WireRegistry.newKryo(maxDepth);
          }
        };
  }

  /** Largest encoded message, in bytes. */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * Encodes {@code message}.
   *
   * @throws IllegalArgumentException if its class is not registered or it encodes to more than
   *     {@link #maxMessageBytes()}
   */
  public byte[] encode(Object message) {
    Kryo kryo = pool.obtain();
    try (Output output = new Output(Math.min(256, maxMessageBytes), maxMessageBytes)) {
      kryo.writeClassAndObject(output, message);
      return output.toBytes();
    } catch (KryoException e) {
      throw new IllegalArgumentException(
          "cannot encode " + message.getClass().getName() + ": " + e.getMessage(), e);
    } finally {
      pool.free(kryo);
    }
  }

  /** Decodes exactly {@code length} bytes at {@code offset}; never throws on bad input. */
  public Decoded decode(byte[] bytes, int offset, int length) {
    if (length > maxMessageBytes) {
      return new Decoded(
          null, "message length: " + length + " (expected: <= " + maxMessageBytes + ")");
    }
    if (length <= 0) {
      return new Decoded(null, "message length: " + length + " (expected: > 0)");
    }
    Kryo kryo = pool.obtain();
    try {
      Input input = new Input(bytes, offset, length);
      Object message = kryo.readClassAndObject(input);
      if (message == null) {
        return new Decoded(null, "null message");
      }
      if (input.position() != offset + length) {
        return new Decoded(
            null, (offset + length - input.position()) + " trailing bytes after the message");
      }
      return new Decoded(message, null);
    } catch (RuntimeException e) {
      // KryoException, and whatever a record's constructor throws on values it rejects.
      return new Decoded(null, e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      // A failed read may leave depth or graph state behind; Kryo.reset() clears it.
      kryo.reset();
      pool.free(kryo);
    }
  }

  /** Decodes a whole array. */
  public Decoded decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }
}
