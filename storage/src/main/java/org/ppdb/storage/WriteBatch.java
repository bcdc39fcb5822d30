package org.ppdb.storage;

import java.util.Arrays;

/**
 * An ordered group of puts and deletes applied atomically by {@link StorageEngine#write}: after a
 * crash either all of them are present or none. Each operation carries its own version, and the
 * highest-version-wins rule applies per key as for single writes.
 *
 * <p>The batch is kept encoded in one growing byte array, which is also the body of the
 * write-ahead-log record (docs/formats/wal.md, "batch body"), so writing it costs no further
 * encoding. Encoding per operation (log format version 2): {@code header u8 (kind in bits 0-1, n in
 * bits 3-6), keyLength varint32, key, version in its n low-order bytes big-endian, [expiresAtMillis
 * i64 if kind=2], [valueLength varint32, value if kind=1|2]}, n being the fewest bytes that hold
 * the version (8 if negative); kinds are stored on disk: do not change them.
 *
 * <p>Not thread-safe. Reusable after {@link #clear()}. Bounded by {@link
 * StorageLimits#WRITE_BATCH_BYTES_MAX}.
 */
public final class WriteBatch {
  /** Stored kind of a tombstone. Frozen on disk. */
  public static final byte KIND_TOMBSTONE = 0;

  /** Stored kind of a put without expiry. Frozen on disk. */
  public static final byte KIND_PUT = 1;

  /** Stored kind of a put with an expiry. Frozen on disk. */
  public static final byte KIND_PUT_EXPIRING = 2;

  /** Largest encoded size of an operation's fields besides its key and value. */
  public static final int OPERATION_OVERHEAD_BYTES_MAX = 1 + 5 + 8 + 8 + 5;

  private static final int VERSION_BYTES_SHIFT = 3;
  private static final int KIND_MASK = 0x3;

  private byte[] buffer;
  private int size;
  private int count;

  /** An empty batch. */
  public WriteBatch() {
    buffer = new byte[64];
  }

  /** Receives the operations of a batch in order ({@link #forEach}). */
  public interface Handler {
    /** A put; {@code expiresAtMillis} is 0 for none. */
    void put(byte[] key, byte[] value, long version, long expiresAtMillis);

    /** A delete. */
    void delete(byte[] key, long version);
  }

  /** Adds a put without expiry. */
  public WriteBatch put(byte[] key, byte[] value, long version) {
    return put(key, value, version, 0);
  }

  /**
   * Adds a put. {@code expiresAtMillis} is an absolute time in epoch milliseconds (0 for none, else
   * > 0).
   */
  public WriteBatch put(byte[] key, byte[] value, long version, long expiresAtMillis) {
    StorageLimits.checkKey(key, StorageLimits.KEY_BYTES_MAX);
    StorageLimits.checkValue(value, StorageLimits.VALUE_BYTES_MAX);
    if (expiresAtMillis < 0) {
      throw new IllegalArgumentException(
          "expiresAtMillis: " + expiresAtMillis + " (expected: >= 0)");
    }
    ensure(OPERATION_OVERHEAD_BYTES_MAX + key.length + value.length);
    size =
        encodeOperation(
            buffer,
            size,
            expiresAtMillis == 0 ? KIND_PUT : KIND_PUT_EXPIRING,
            key,
            version,
            expiresAtMillis,
            value);
    count++;
    return this;
  }

  /** Adds a delete (a tombstone at {@code version}). */
  public WriteBatch delete(byte[] key, long version) {
    StorageLimits.checkKey(key, StorageLimits.KEY_BYTES_MAX);
    ensure(OPERATION_OVERHEAD_BYTES_MAX + key.length);
    size = encodeOperation(buffer, size, KIND_TOMBSTONE, key, version, 0, null);
    count++;
    return this;
  }

  /** Number of operations. */
  public int count() {
    return count;
  }

  /** Encoded size in bytes. */
  public int byteSize() {
    return size;
  }

  /** Whether the batch holds no operation. */
  public boolean isEmpty() {
    return count == 0;
  }

  /** Removes every operation, keeping the buffer. */
  public void clear() {
    size = 0;
    count = 0;
  }

  /**
   * The encoded operations: bytes {@code [0, byteSize())} of the returned array. Shared, not
   * copied: the caller must not modify it, and it is invalid after the next change to this batch.
   */
  public byte[] encodedArray() {
    return buffer;
  }

  /** Calls {@code handler} for each operation, in order. */
  public void forEach(Handler handler) {
    decode(buffer, 0, size, handler);
  }

  /**
   * Writes one operation at {@code b[p..]} in the batch encoding (room for {@link
   * #OPERATION_OVERHEAD_BYTES_MAX} plus key and value bytes assumed); returns the new position. The
   * engine encodes single writes into its log records with it.
   *
   * @param kind {@link #KIND_TOMBSTONE}, {@link #KIND_PUT} or {@link #KIND_PUT_EXPIRING}
   * @param value ignored for a tombstone
   */
  public static int encodeOperation(
      byte[] b, int p, int kind, byte[] key, long version, long expiresAtMillis, byte[] value) {
    int n = version < 0 ? 8 : (64 - Long.numberOfLeadingZeros(version) + 7) >>> 3;
    b[p++] = (byte) (kind | n << VERSION_BYTES_SHIFT);
    p = putBytes(b, p, key);
    for (int shift = (n - 1) * 8; shift >= 0; shift -= 8) {
      b[p++] = (byte) (version >>> shift);
    }
    if (kind != KIND_TOMBSTONE) {
      if (kind == KIND_PUT_EXPIRING) {
        for (int i = 7; i >= 0; i--) {
          b[p++] = (byte) (expiresAtMillis >>> (i * 8));
        }
      }
      p = putBytes(b, p, value);
    }
    return p;
  }

  /**
   * Decodes an encoded batch body ({@code length} bytes at {@code offset}) and calls {@code
   * handler} per operation. Returns the number of operations.
   *
   * @throws IllegalArgumentException if the bytes are not a well-formed batch body
   */
  public static int decode(byte[] buf, int offset, int length, Handler handler) {
    return decode(buf, offset, length, handler, false);
  }

  /**
   * Like {@link #decode(byte[], int, int, Handler)} for the operations of log format version 1,
   * whose versions are 8 bytes after a plain kind byte (docs/formats/wal.md).
   */
  public static int decodeVersion1(byte[] buf, int offset, int length, Handler handler) {
    return decode(buf, offset, length, handler, true);
  }

  private static int decode(
      byte[] buf, int offset, int length, Handler handler, boolean fixedVersions) {
    int p = offset;
    int end = offset + length;
    int n = 0;
    while (p < end) {
      int header = buf[p++] & 0xff;
      int kind = fixedVersions ? header : header & KIND_MASK;
      int versionBytes = fixedVersions ? 8 : header >>> VERSION_BYTES_SHIFT;
      if (kind != KIND_TOMBSTONE && kind != KIND_PUT && kind != KIND_PUT_EXPIRING) {
        throw new IllegalArgumentException("kind: " + kind + " (expected: 0, 1 or 2)");
      }
      if (versionBytes > 8 || (!fixedVersions && (header & 0x84) != 0)) {
        throw new IllegalArgumentException("operation header: " + header);
      }
      long lv = readVarint(buf, p, end);
      int keyLength = (int) lv;
      p = (int) (lv >>> 32);
      if (keyLength > StorageLimits.KEY_BYTES_MAX || p + keyLength + versionBytes > end) {
        throw new IllegalArgumentException("keyLength: " + keyLength + " out of bounds");
      }
      byte[] key = Arrays.copyOfRange(buf, p, p + keyLength);
      p += keyLength;
      long version = 0;
      for (int i = 0; i < versionBytes; i++) {
        version = version << 8 | (buf[p++] & 0xff);
      }
      if (kind == KIND_TOMBSTONE) {
        handler.delete(key, version);
      } else {
        long expires = 0;
        if (kind == KIND_PUT_EXPIRING) {
          if (p + 8 > end) {
            throw new IllegalArgumentException("truncated expiry");
          }
          expires = readLong(buf, p);
          p += 8;
          if (expires <= 0) {
            throw new IllegalArgumentException("expiresAtMillis: " + expires + " (expected: > 0)");
          }
        }
        lv = readVarint(buf, p, end);
        int valueLength = (int) lv;
        p = (int) (lv >>> 32);
        if (valueLength > StorageLimits.VALUE_BYTES_MAX || p + valueLength > end) {
          throw new IllegalArgumentException("valueLength: " + valueLength + " out of bounds");
        }
        byte[] value = Arrays.copyOfRange(buf, p, p + valueLength);
        p += valueLength;
        handler.put(key, value, version, expires);
      }
      n++;
    }
    return n;
  }

  /** Returns {@code (newPosition << 32) | value}; throws on malformed or truncated input. */
  private static long readVarint(byte[] buf, int p, int end) {
    int result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (p >= end) {
        throw new IllegalArgumentException("truncated varint");
      }
      int b = buf[p++] & 0xff;
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        if (result < 0) {
          throw new IllegalArgumentException("negative varint");
        }
        return ((long) p << 32) | (result & 0xffffffffL);
      }
    }
    throw new IllegalArgumentException("varint too long");
  }

  private static long readLong(byte[] buf, int p) {
    if (p + 8 > buf.length) {
      throw new IllegalArgumentException("truncated i64");
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[p + i] & 0xff);
    }
    return v;
  }

  private void ensure(int extra) {
    long needed = (long) size + extra;
    if (needed > StorageLimits.WRITE_BATCH_BYTES_MAX) {
      throw new LimitExceededException(
          "writeBatchBytes: "
              + needed
              + " (expected: <= "
              + StorageLimits.WRITE_BATCH_BYTES_MAX
              + ")");
    }
    if (needed > buffer.length) {
      buffer =
          Arrays.copyOf(
              buffer, (int) Math.min(Math.max(needed, buffer.length * 2L), Integer.MAX_VALUE - 16));
    }
  }

  private static int putBytes(byte[] out, int p, byte[] b) {
    int v = b.length;
    while ((v & ~0x7f) != 0) {
      out[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out[p++] = (byte) v;
    System.arraycopy(b, 0, out, p, b.length);
    return p + b.length;
  }
}
