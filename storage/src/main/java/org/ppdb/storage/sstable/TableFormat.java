package org.ppdb.storage.sstable;

/** Constants of the table format (docs/formats/sstable.md). Stored values: do not change them. */
public final class TableFormat {
  /** Last 8 bytes of every table: "ppdbSST1" in ASCII. */
  public static final long MAGIC = 0x7070646253535431L;

  /**
   * Format version written in the footer: data entries end their key with a compact trailer
   * (docs/formats/sstable.md, "Data entries").
   */
  public static final int FORMAT_VERSION = 2;

  /**
   * The first format version, still read: data entries end their key with the full 16-byte {@code
   * version ‖ seqKind}.
   */
  public static final int FORMAT_VERSION_FULL_KEYS = 1;

  /**
   * Footer size: filter handle (u64+u32), index handle (u64+u32), file number u64, version u32, crc
   * u32, magic u64.
   */
  public static final int FOOTER_BYTES = 48;

  /** Block trailer: compression id u8, crc32c u32. */
  public static final int BLOCK_TRAILER_BYTES = 5;

  /** File-name suffix of tables. */
  public static final String SUFFIX = ".sst";

  private TableFormat() {}
}
