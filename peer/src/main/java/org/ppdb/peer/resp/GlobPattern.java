package org.ppdb.peer.resp;

/**
 * Redis glob matching for {@code SCAN MATCH}, over bytes: {@code *} any run, {@code ?} one byte,
 * {@code [abc]}, {@code [^a]}, {@code [a-z]} classes, and {@code \} escaping the next byte. The
 * semantics follow Redis' {@code stringmatchlen} (util.c).
 *
 * <p>Cost: the recursion on {@code *} is bounded by collapsing consecutive stars and by the
 * iterative backtracking used here, which keeps the worst case at O(pattern x subject) instead of
 * Redis' exponential one. Stateless and thread-safe.
 */
final class GlobPattern {
  private GlobPattern() {}

  static boolean matches(byte[] pattern, byte[] subject) {
    int p = 0;
    int s = 0;
    int starP = -1;
    int starS = -1;
    while (s < subject.length) {
      if (p < pattern.length && pattern[p] == '*') {
        while (p < pattern.length && pattern[p] == '*') {
          p++;
        }
        if (p == pattern.length) {
          return true;
        }
        starP = p;
        starS = s;
        continue;
      }
      int consumed = p < pattern.length ? matchOne(pattern, p, subject[s]) : -1;
      if (consumed > 0) {
        p += consumed;
        s++;
      } else if (starP >= 0) {
        p = starP;
        s = ++starS;
      } else {
        return false;
      }
    }
    while (p < pattern.length && pattern[p] == '*') {
      p++;
    }
    return p == pattern.length;
  }

  /**
   * Matches one subject byte against the pattern element at {@code p}: returns the element's length
   * in pattern bytes if it matches, -1 otherwise.
   */
  private static int matchOne(byte[] pattern, int p, byte c) {
    byte first = pattern[p];
    if (first == '?') {
      return 1;
    }
    if (first == '\\' && p + 1 < pattern.length) {
      return pattern[p + 1] == c ? 2 : -1;
    }
    if (first != '[') {
      return first == c ? 1 : -1;
    }
    int i = p + 1;
    boolean negate = i < pattern.length && pattern[i] == '^';
    if (negate) {
      i++;
    }
    boolean match = false;
    int uc = c & 0xff;
    while (i < pattern.length && pattern[i] != ']') {
      if (pattern[i] == '\\' && i + 1 < pattern.length) {
        if ((pattern[i + 1] & 0xff) == uc) {
          match = true;
        }
        i += 2;
      } else if (i + 2 < pattern.length && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
        int lo = pattern[i] & 0xff;
        int hi = pattern[i + 2] & 0xff;
        if (lo > hi) {
          int t = lo;
          lo = hi;
          hi = t;
        }
        if (uc >= lo && uc <= hi) {
          match = true;
        }
        i += 3;
      } else {
        if ((pattern[i] & 0xff) == uc) {
          match = true;
        }
        i++;
      }
    }
    // An unterminated class ends at the end of the pattern, as in Redis.
    int length = i < pattern.length ? i - p + 1 : i - p;
    return match != negate ? length : -1;
  }
}
