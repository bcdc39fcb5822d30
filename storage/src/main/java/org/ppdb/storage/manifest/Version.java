package org.ppdb.storage.manifest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An immutable set of live tables by level. L0 files may overlap and are ordered newest first (by
 * file number); the files of every deeper level are disjoint and ordered by key. Reference counted
 * by iterators so that files they read are not deleted under them.
 */
public final class Version {
  private static final Comparator<FileMeta> BY_KEY =
      (a, b) -> Arrays.compareUnsigned(a.smallestKey(), b.smallestKey());
  private static final Comparator<FileMeta> NEWEST_FIRST =
      (a, b) -> Long.compare(b.number(), a.number());

  private final List<List<FileMeta>> levels;
  final AtomicInteger refs = new AtomicInteger();

  Version(List<List<FileMeta>> levels) {
    this.levels = levels;
  }

  static Version empty(int levelsMax) {
    List<List<FileMeta>> l = new ArrayList<>();
    for (int i = 0; i < levelsMax; i++) {
      l.add(List.of());
    }
    return new Version(List.copyOf(l));
  }

  /** A new version with {@code edit} applied. */
  Version apply(VersionEdit edit) {
    List<List<FileMeta>> next = new ArrayList<>();
    for (int i = 0; i < levels.size(); i++) {
      List<FileMeta> files = new ArrayList<>(levels.get(i));
      final int level = i;
      for (VersionEdit.Deleted d : edit.deleted) {
        if (d.level() == level) {
          files.removeIf(f -> f.number() == d.number());
        }
      }
      for (VersionEdit.LevelFile lf : edit.added) {
        if (lf.level() == level) {
          files.add(lf.file());
        }
      }
      files.sort(level == 0 ? NEWEST_FIRST : BY_KEY);
      if (level > 0) {
        for (int j = 1; j < files.size(); j++) {
          if (Arrays.compareUnsigned(files.get(j - 1).largestKey(), files.get(j).smallestKey())
              >= 0) {
            throw new IllegalStateException(
                "level "
                    + level
                    + " files "
                    + files.get(j - 1).number()
                    + " and "
                    + files.get(j).number()
                    + " overlap");
          }
        }
      }
      next.add(List.copyOf(files));
    }
    return new Version(List.copyOf(next));
  }

  public int levelCount() {
    return levels.size();
  }

  public List<FileMeta> files(int level) {
    return levels.get(level);
  }

  /** The file of a level >= 1 whose range contains {@code key}, or null. */
  public FileMeta fileFor(int level, byte[] key) {
    List<FileMeta> files = levels.get(level);
    int lo = 0;
    int hi = files.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      FileMeta f = files.get(mid);
      if (Arrays.compareUnsigned(f.largestKey(), key) < 0) {
        lo = mid + 1;
      } else if (Arrays.compareUnsigned(f.smallestKey(), key) > 0) {
        hi = mid - 1;
      } else {
        return f;
      }
    }
    return null;
  }

  /** Files of {@code level} overlapping the user-key range {@code [from, to]} (null = open). */
  public List<FileMeta> overlapping(int level, byte[] from, byte[] to) {
    List<FileMeta> out = new ArrayList<>();
    for (FileMeta f : levels.get(level)) {
      if (f.overlaps(from, to)) {
        out.add(f);
      }
    }
    return out;
  }

  public long levelBytes(int level) {
    long n = 0;
    for (FileMeta f : levels.get(level)) {
      n += f.size();
    }
    return n;
  }

  /** Adds every file number of this version to {@code out}. */
  public void collectFileNumbers(java.util.Set<Long> out) {
    for (List<FileMeta> l : levels) {
      for (FileMeta f : l) {
        out.add(f.number());
      }
    }
  }

  /** Takes a reference (for iterators). */
  public void ref() {
    refs.incrementAndGet();
  }
}
