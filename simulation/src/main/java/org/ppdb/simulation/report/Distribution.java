package org.ppdb.simulation.report;

import java.util.Arrays;

/**
 * A growable sample of {@code double} values with exact percentiles (nearest rank), for the figures
 * of a run: detection latencies, lookup rounds, bytes per second. Exact rather than approximate
 * because runs are small enough (millions of values at most) and exact figures are reproducible to
 * the last digit.
 *
 * <p>Not thread-safe. Memory: 8 bytes per value, growing by doubling up to {@link #VALUES_MAX}.
 */
public final class Distribution {

  /** The most values kept; a run that needs more should sample. */
  public static final int VALUES_MAX = 1 << 26;

  private double[] values = new double[16];
  private int size;
  private boolean sorted = true;

  /** Adds one value. */
  public void add(double value) {
    if (size == values.length) {
      if (size >= VALUES_MAX) {
        throw new IllegalStateException("values: " + size + " (expected: < " + VALUES_MAX + ")");
      }
      values = Arrays.copyOf(values, Math.min(VALUES_MAX, size * 2));
    }
    values[size++] = value;
    sorted = false;
  }

  public int count() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /**
   * The nearest-rank percentile {@code p} in (0, 100]: the smallest value with at least p% of the
   * values at or below it. NaN when empty.
   */
  public double percentile(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("p: " + p + " (expected: in (0, 100])");
    }
    if (size == 0) {
      return Double.NaN;
    }
    sort();
    int rank = (int) Math.ceil(p / 100.0 * size);
    return values[Math.max(0, rank - 1)];
  }

  public double min() {
    if (size == 0) {
      return Double.NaN;
    }
    sort();
    return values[0];
  }

  public double max() {
    if (size == 0) {
      return Double.NaN;
    }
    sort();
    return values[size - 1];
  }

  public double mean() {
    if (size == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += values[i];
    }
    return sum / size;
  }

  private void sort() {
    if (!sorted) {
      Arrays.sort(values, 0, size);
      sorted = true;
    }
  }
}
