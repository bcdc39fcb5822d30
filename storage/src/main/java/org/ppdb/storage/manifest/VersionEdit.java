package org.ppdb.storage.manifest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ppdb.storage.format.Coding;

/**
 * One change to the set of live tables, as recorded in the manifest (docs/formats/manifest.md):
 * files added to and removed from levels, and the counters that must survive a restart (oldest live
 * WAL segment, next file number, last sequence). Encoded as tagged fields; tags are stored: do not
 * change them. Not thread-safe.
 */
public final class VersionEdit {
  static final int TAG_LOG_NUMBER = 1;
  static final int TAG_NEXT_FILE_NUMBER = 2;
  static final int TAG_LAST_SEQUENCE = 3;
  static final int TAG_DELETED_FILE = 4;
  static final int TAG_NEW_FILE = 5;

  /** A file placed in a level. */
  public record LevelFile(int level, FileMeta file) {}

  /** A file removed from a level. */
  public record Deleted(int level, long number) {}

  long logNumber = -1;
  long nextFileNumber = -1;
  long lastSequence = -1;
  final List<Deleted> deleted = new ArrayList<>();
  final List<LevelFile> added = new ArrayList<>();

  public VersionEdit logNumber(long v) {
    logNumber = v;
    return this;
  }

  public VersionEdit nextFileNumber(long v) {
    nextFileNumber = v;
    return this;
  }

  public VersionEdit lastSequence(long v) {
    lastSequence = v;
    return this;
  }

  public VersionEdit delete(int level, long number) {
    deleted.add(new Deleted(level, number));
    return this;
  }

  public VersionEdit add(int level, FileMeta file) {
    added.add(new LevelFile(level, file));
    return this;
  }

  public List<LevelFile> added() {
    return added;
  }

  public List<Deleted> deleted() {
    return deleted;
  }

  /** Encodes the edit as a manifest record body. */
  public byte[] encode() {
    int size = 64;
    for (LevelFile f : added) {
      size += 80 + f.file.smallestKey().length + f.file.largestKey().length;
    }
    size += deleted.size() * 16;
    byte[] b = new byte[size];
    int p = 0;
    if (logNumber >= 0) {
      p = Coding.putVarint(b, p, TAG_LOG_NUMBER);
      p = Coding.putVarlong(b, p, logNumber);
    }
    if (nextFileNumber >= 0) {
      p = Coding.putVarint(b, p, TAG_NEXT_FILE_NUMBER);
      p = Coding.putVarlong(b, p, nextFileNumber);
    }
    if (lastSequence >= 0) {
      p = Coding.putVarint(b, p, TAG_LAST_SEQUENCE);
      p = Coding.putVarlong(b, p, lastSequence);
    }
    for (Deleted d : deleted) {
      p = Coding.putVarint(b, p, TAG_DELETED_FILE);
      p = Coding.putVarint(b, p, d.level);
      p = Coding.putVarlong(b, p, d.number);
    }
    for (LevelFile lf : added) {
      FileMeta f = lf.file;
      p = Coding.putVarint(b, p, TAG_NEW_FILE);
      p = Coding.putVarint(b, p, lf.level);
      p = Coding.putVarlong(b, p, f.number());
      p = Coding.putVarlong(b, p, f.size());
      p = Coding.putVarint(b, p, f.smallestKey().length);
      System.arraycopy(f.smallestKey(), 0, b, p, f.smallestKey().length);
      p += f.smallestKey().length;
      p = Coding.putVarint(b, p, f.largestKey().length);
      System.arraycopy(f.largestKey(), 0, b, p, f.largestKey().length);
      p += f.largestKey().length;
      p = Coding.putVarlong(b, p, f.seqMin());
      p = Coding.putVarlong(b, p, f.seqMax());
      Coding.putLong(b, p, f.versionMax());
      p += 8;
      p = Coding.putVarlong(b, p, f.entries());
    }
    return Arrays.copyOf(b, p);
  }

  /**
   * Decodes a manifest record body.
   *
   * @throws IllegalArgumentException if malformed
   */
  public static VersionEdit decode(byte[] b, int off, int len, int levelsMax) {
    VersionEdit e = new VersionEdit();
    int[] p = {off};
    int end = off + len;
    while (p[0] < end) {
      int tag = (int) varlong(b, p, end);
      switch (tag) {
        case TAG_LOG_NUMBER -> e.logNumber = varlong(b, p, end);
        case TAG_NEXT_FILE_NUMBER -> e.nextFileNumber = varlong(b, p, end);
        case TAG_LAST_SEQUENCE -> e.lastSequence = varlong(b, p, end);
        case TAG_DELETED_FILE -> {
          int level = level(varlong(b, p, end), levelsMax);
          e.deleted.add(new Deleted(level, varlong(b, p, end)));
        }
        case TAG_NEW_FILE -> {
          int level = level(varlong(b, p, end), levelsMax);
          long number = varlong(b, p, end);
          long size = varlong(b, p, end);
          byte[] smallest = bytes(b, p, end);
          byte[] largest = bytes(b, p, end);
          long seqMin = varlong(b, p, end);
          long seqMax = varlong(b, p, end);
          if (p[0] + 8 > end) {
            throw new IllegalArgumentException("truncated new-file field");
          }
          long versionMax = Coding.getLong(b, p[0]);
          p[0] += 8;
          long entries = varlong(b, p, end);
          if (Arrays.compareUnsigned(smallest, largest) > 0 || seqMin > seqMax) {
            throw new IllegalArgumentException("inconsistent file bounds for file " + number);
          }
          e.added.add(
              new LevelFile(
                  level,
                  new FileMeta(
                      number, size, smallest, largest, seqMin, seqMax, versionMax, entries)));
        }
        default -> throw new IllegalArgumentException("unknown manifest tag " + tag);
      }
    }
    return e;
  }

  private static int level(long v, int levelsMax) {
    if (v < 0 || v >= levelsMax) {
      throw new IllegalArgumentException("level " + v + " (expected: < " + levelsMax + ")");
    }
    return (int) v;
  }

  private static byte[] bytes(byte[] b, int[] p, int end) {
    long n = varlong(b, p, end);
    if (n < 0 || n > 65536 || p[0] + n > end) {
      throw new IllegalArgumentException("bad key length " + n);
    }
    byte[] out = Arrays.copyOfRange(b, p[0], p[0] + (int) n);
    p[0] += (int) n;
    return out;
  }

  private static long varlong(byte[] b, int[] p, int end) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p[0] >= end) {
        throw new IllegalArgumentException("truncated varint");
      }
      int x = b[p[0]++] & 0xff;
      result |= (long) (x & 0x7f) << shift;
      if (x < 0x80) {
        if (result < 0) {
          throw new IllegalArgumentException("negative varint");
        }
        return result;
      }
    }
    throw new IllegalArgumentException("varint too long");
  }
}
