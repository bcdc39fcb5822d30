package org.ppdb.simulation.check;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ppdb.simulation.report.Report;

/**
 * What a checker concluded about a {@link History}: counts of what it saw, the anomalies it found
 * (the first {@link #SAMPLES_MAX} of each kind in full, all of them counted), and which kinds make
 * the history invalid.
 *
 * <p>Not thread-safe; built by one checker, then read.
 */
public final class Verdict {

  /** The most anomalies kept in full per kind; the rest are only counted. */
  public static final int SAMPLES_MAX = 10;

  /** The most lines of a key's history shown with each reported anomaly. */
  public static final int HISTORY_LINES_MAX = 40;

  private final String checker;
  private final Set<Anomaly.Kind> failing;
  private final Map<String, Long> counts = new LinkedHashMap<>();
  private final Map<Anomaly.Kind, Long> anomalyCounts = new EnumMap<>(Anomaly.Kind.class);
  private final List<Anomaly> samples = new ArrayList<>();

  /**
   * @param checker the checker's name, prefixed to figures and violations
   * @param failing the anomaly kinds that make the history invalid
   */
  Verdict(String checker, Set<Anomaly.Kind> failing) {
    this.checker = checker;
    this.failing = failing.isEmpty() ? EnumSet.noneOf(Anomaly.Kind.class) : EnumSet.copyOf(failing);
    for (Anomaly.Kind kind : Anomaly.Kind.values()) {
      anomalyCounts.put(kind, 0L);
    }
  }

  /**
   * A verdict failing on {@code failing}, and on stale reads too when {@code strictStaleReads}: the
   * rule every checker applies (stale reads are expected under QUORUM reads during faults, so they
   * fail a history only when asked).
   */
  static Verdict failingOn(String checker, boolean strictStaleReads, Anomaly.Kind... failing) {
    Set<Anomaly.Kind> kinds = EnumSet.noneOf(Anomaly.Kind.class);
    kinds.addAll(java.util.Arrays.asList(failing));
    if (strictStaleReads) {
      kinds.add(Anomaly.Kind.STALE_READ);
    }
    return new Verdict(checker, kinds);
  }

  void count(String name, long delta) {
    counts.merge(name, delta, Long::sum);
  }

  void add(Anomaly anomaly) {
    long seen = anomalyCounts.merge(anomaly.kind(), 1L, Long::sum);
    if (seen <= SAMPLES_MAX) {
      samples.add(anomaly);
    }
  }

  /** The checker's name. */
  public String checker() {
    return checker;
  }

  /** True when no anomaly of a failing kind was found. */
  public boolean valid() {
    for (Anomaly.Kind kind : failing) {
      if (anomalyCounts.get(kind) > 0) {
        return false;
      }
    }
    return true;
  }

  /** How many anomalies of {@code kind} were found. */
  public long count(Anomaly.Kind kind) {
    return anomalyCounts.get(kind);
  }

  /** A count of what the checker saw ("ok writes", "final reads", ...); 0 if never counted. */
  public long count(String name) {
    return counts.getOrDefault(name, 0L);
  }

  /** Every count of what the checker saw, in the order first counted. */
  public Map<String, Long> counts() {
    return Collections.unmodifiableMap(counts);
  }

  /** The anomalies kept in full, in order found. */
  public List<Anomaly> samples() {
    return Collections.unmodifiableList(samples);
  }

  /** True when anomalies of {@code kind} make the history invalid. */
  public boolean fails(Anomaly.Kind kind) {
    return failing.contains(kind);
  }

  /**
   * Adds the counts and anomaly counts to {@code report} as figures, and each failing anomaly kept
   * in full as a violation with the key's history.
   */
  public void addTo(Report report, History history) {
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      report.figure(checker + ": " + e.getKey(), e.getValue(), "");
    }
    for (Anomaly.Kind kind : Anomaly.Kind.values()) {
      report.figure(checker + ": " + name(kind), anomalyCounts.get(kind), "");
    }
    for (Anomaly a : samples) {
      if (failing.contains(a.kind())) {
        report.violation(describe(a, history));
      }
    }
  }

  /** One anomaly with the history of its key, for a report or an assertion message. */
  public String describe(Anomaly a, History history) {
    return checker
        + ": "
        + name(a.kind())
        + " on key "
        + a.key()
        + ": "
        + a.description()
        + "\n"
        + history.render(a.key(), HISTORY_LINES_MAX);
  }

  /** Every failing anomaly kept in full, described with its key's history; empty when valid. */
  public String describeFailures(History history) {
    StringBuilder out = new StringBuilder();
    for (Anomaly a : samples) {
      if (failing.contains(a.kind())) {
        out.append(describe(a, history));
      }
    }
    return out.toString();
  }

  static String name(Anomaly.Kind kind) {
    return switch (kind) {
      case LOST_WRITE -> "lost acknowledged writes";
      case REGISTER_REGRESSION -> "register regressions";
      case PHANTOM_READ -> "phantom reads";
      case FAILED_WRITE_VISIBLE -> "failed writes visible";
      case UNVERIFIED -> "unverified keys";
      case STALE_READ -> "stale reads";
    };
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(checker).append(valid() ? ": valid" : ": INVALID");
    counts.forEach((k, v) -> out.append(", ").append(k).append(' ').append(v));
    anomalyCounts.forEach(
        (k, v) -> {
          if (v > 0) {
            out.append(", ").append(name(k)).append(' ').append(v);
          }
        });
    return out.toString();
  }
}
