package org.ppdb.storage.format;

import java.util.zip.CRC32C;

/**
 * CRC32C (Castagnoli; hardware-accelerated by the JVM) as used by every format. A stored checksum
 * also covers the identity of what it protects (file number and offset), so that a block or record
 * copied to another place fails its check ("misplaced block" corruption). Thread confined: one
 * instance per thread via {@link #get()}.
 */
public final class Checksums {
  private static final ThreadLocal<Checksums> LOCAL = ThreadLocal.withInitial(Checksums::new);

  private final CRC32C crc = new CRC32C();
  private final byte[] scratch = new byte[16];

  private Checksums() {}

  /** The calling thread's instance. */
  public static Checksums get() {
    return LOCAL.get();
  }

  /**
   * CRC32C of {@code b[off, off+len)} followed by {@code fileNumber} and {@code position} (i64 BE).
   */
  public int compute(byte[] b, int off, int len, long fileNumber, long position) {
    crc.reset();
    crc.update(b, off, len);
    Coding.putLong(scratch, 0, fileNumber);
    Coding.putLong(scratch, 8, position);
    crc.update(scratch, 0, 16);
    return (int) crc.getValue();
  }

  /**
   * CRC32C of {@code b[off, off+len)}, then the byte {@code tag}, then {@code fileNumber} and
   * {@code position} (i64 BE): the checksum of a table block (tag = compression id).
   */
  public int computeTagged(byte[] b, int off, int len, int tag, long fileNumber, long position) {
    crc.reset();
    crc.update(b, off, len);
    crc.update(tag);
    Coding.putLong(scratch, 0, fileNumber);
    Coding.putLong(scratch, 8, position);
    crc.update(scratch, 0, 16);
    return (int) crc.getValue();
  }

  /** Plain CRC32C of {@code b[off, off+len)}. */
  public int compute(byte[] b, int off, int len) {
    crc.reset();
    crc.update(b, off, len);
    return (int) crc.getValue();
  }
}
