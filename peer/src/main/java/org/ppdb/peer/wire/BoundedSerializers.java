package org.ppdb.peer.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.ppdb.peer.identity.NodeId;

/**
 * Serializers for the variable-length types the wire carries, written so that a hostile length
 * prefix can never make the decoder allocate more than the bytes actually received. Kryo's stock
 * serializers allocate first ({@code new byte[length]}, {@code new ArrayList(size)}) and read
 * afterwards, so a 20-byte frame claiming two billion elements would exhaust the heap. Every length
 * here is checked against the bytes left in the input before anything is allocated, which bounds
 * decoding memory by a small multiple of the frame size.
 *
 * <p>Formats (see docs/wire-protocol.md, "Value encodings"): a length is an unsigned Kryo varint (7
 * bits per byte, low group first, high bit = more); {@code String} is its UTF-8 byte length then
 * the bytes (invalid UTF-8 is rejected); {@code byte[]} is its length then the bytes; a list is its
 * size then each element as class id + value; {@link NodeId} is exactly 20 bytes.
 */
final class BoundedSerializers {
  private BoundedSerializers() {}

  static int remaining(Input input) {
    return input.limit() - input.position();
  }

  static int readLength(Input input, int minBytesPerItem, String what) {
    int length = input.readVarInt(true);
    if (length < 0 || (long) length * minBytesPerItem > remaining(input)) {
      throw new KryoException(
          what
              + " length: "
              + length
              + " (expected: <= "
              + remaining(input) / Math.max(1, minBytesPerItem)
              + ", the bytes left)");
    }
    return length;
  }

  /** UTF-8 strings with a checked byte length; rejects malformed UTF-8. */
  static final class StringSerializer extends Serializer<String> {
    StringSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      output.writeVarInt(bytes.length, true);
      output.writeBytes(bytes);
    }

    @Override
    public String read(Kryo kryo, Input input, Class<? extends String> type) {
      int length = readLength(input, 1, "string");
      return utf8(input.readBytes(length));
    }
  }

  /** Decodes strict UTF-8: malformed input is an error, not replacement characters. */
  static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new KryoException("string is not valid UTF-8", e);
    }
  }

  /** Byte arrays with a checked length. */
  static final class ByteArraySerializer extends Serializer<byte[]> {
    @Override
    public void write(Kryo kryo, Output output, byte[] value) {
      output.writeVarInt(value.length, true);
      output.writeBytes(value);
    }

    @Override
    public byte[] read(Kryo kryo, Input input, Class<? extends byte[]> type) {
      return input.readBytes(readLength(input, 1, "byte[]"));
    }

    @Override
    public byte[] copy(Kryo kryo, byte[] original) {
      return original.clone();
    }
  }

  /**
   * Lists of registered elements, each written with its class id (so elements may be of several
   * registered types, but never of an unregistered one). Reads as {@code readAs}: an {@link
   * ArrayList}, or an unmodifiable list for the {@code List.of} family.
   */
  static final class ListSerializer extends Serializer<List<Object>> {
    private final boolean unmodifiable;

    ListSerializer(boolean unmodifiable) {
      this.unmodifiable = unmodifiable;
      setImmutable(unmodifiable);
    }

    @Override
    public void write(Kryo kryo, Output output, List<Object> list) {
      output.writeVarInt(list.size(), true);
      for (Object element : list) {
        kryo.writeClassAndObject(output, element);
      }
    }

    @Override
    public List<Object> read(Kryo kryo, Input input, Class<? extends List<Object>> type) {
      // Every element takes at least one byte (its class id), so size <= bytes left.
      int size = readLength(input, 1, "list");
      List<Object> list = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        list.add(kryo.readClassAndObject(input));
      }
      return unmodifiable ? unmodifiableCopy(list) : list;
    }

    private static List<Object> unmodifiableCopy(Collection<Object> elements) {
      // List.copyOf rejects null elements, as List.of does.
      return List.copyOf(elements);
    }
  }

  /** Node ids: exactly 20 bytes, no length prefix. */
  static final class NodeIdSerializer extends Serializer<NodeId> {
    NodeIdSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, NodeId value) {
      output.writeBytes(value.toBytes());
    }

    @Override
    public NodeId read(Kryo kryo, Input input, Class<? extends NodeId> type) {
      return NodeId.of(input.readBytes(NodeId.LENGTH_BYTES));
    }
  }
}
