package org.ppdb.peer.admin;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A peer's health as {@code /health} shows it: {@code 200} with {@code "status":"up"} when healthy,
 * {@code 503} with {@code "status":"down"} otherwise, so that a load balancer or a supervisor can
 * act on the status code alone.
 *
 * @param healthy whether the peer considers itself able to serve
 * @param summary one line for a person, at most {@link #SUMMARY_CHARS_MAX} characters
 * @param details a few named facts (node id, cluster, member counts, queue depths), at most {@link
 *     #DETAILS_MAX}, shown in key order
 */
public record HealthReport(boolean healthy, String summary, SortedMap<String, String> details) {

  /** Longest summary, in characters. */
  public static final int SUMMARY_CHARS_MAX = 256;

  /** Most details. */
  public static final int DETAILS_MAX = 32;

  public HealthReport {
    Objects.requireNonNull(summary, "summary");
    if (summary.length() > SUMMARY_CHARS_MAX) {
      throw new IllegalArgumentException(
          "summary: " + summary.length() + " characters (expected: <= " + SUMMARY_CHARS_MAX + ")");
    }
    details = new TreeMap<>(Objects.requireNonNull(details, "details"));
    if (details.size() > DETAILS_MAX) {
      throw new IllegalArgumentException(
          "details: " + details.size() + " (expected: <= " + DETAILS_MAX + ")");
    }
    for (Map.Entry<String, String> e : details.entrySet()) {
      Objects.requireNonNull(e.getValue(), () -> "details[" + e.getKey() + "]");
    }
    details = Collections.unmodifiableSortedMap(details);
  }

  /** A healthy report without details. */
  public static HealthReport up(String summary) {
    return new HealthReport(true, summary, new TreeMap<>());
  }

  /** An unhealthy report without details. */
  public static HealthReport down(String summary) {
    return new HealthReport(false, summary, new TreeMap<>());
  }
}
