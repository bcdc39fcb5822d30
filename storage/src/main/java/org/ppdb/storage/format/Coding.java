package org.ppdb.storage.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte-level encodings shared by every on-disk format: big-endian fixed-width integers and unsigned
 * LEB128 varints (docs/formats/*.md, "Conventions"). Static, allocation-free, bounds-checked by the
 * callers that decode untrusted bytes.
 */
public final class Coding {
  // Single wide accesses instead of byte-by-byte shifts (which the JIT does not merge): the fixed
  // fields of every block entry, restart array and log header go through these.
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private Coding() {}

  public static void putInt(byte[] b, int p, int v) {
    INT.set(b, p, v);
  }

  public static int getInt(byte[] b, int p) {
    return (int) INT.get(b, p);
  }

  public static void putLong(byte[] b, int p, long v) {
    LONG.set(b, p, v);
  }

  public static long getLong(byte[] b, int p) {
    return (long) LONG.get(b, p);
  }

  /** Writes {@code v} (treated as unsigned) as a varint at {@code p}; returns the new position. */
  public static int putVarint(byte[] b, int p, int v) {
    while ((v & ~0x7f) != 0) {
      b[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  /** Writes {@code v} (treated as unsigned) as a varint at {@code p}; returns the new position. */
  public static int putVarlong(byte[] b, int p, long v) {
    while ((v & ~0x7fL) != 0) {
      b[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  /** Encoded length of a varint. */
  public static int varintLength(int v) {
    int n = 1;
    while ((v & ~0x7f) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }
}
