package org.ppdb.storage;

/** Order of a range scan over unsigned lexicographic key order. */
public enum Direction {
  /** Ascending keys. */
  FORWARD,
  /** Descending keys. */
  REVERSE
}
