package org.ppdb.gossip;

/**
 * Checks that stay on in production (the JVM runs without {@code -ea}). A failed check is a broken
 * invariant or a caller's precondition, never bad network input (that is dropped, not thrown).
 */
final class Check {
  private Check() {}

  static void state(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  static void argument(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
