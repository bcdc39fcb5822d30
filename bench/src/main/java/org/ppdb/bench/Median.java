package org.ppdb.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The median of repeated measurements, the figure a benchmark reports over several runs. */
public final class Median {
  private Median() {}

  /**
   * The median of the non-null, finite values (the mean of the two middle ones for an even count),
   * or {@code null} when there are none. Runs that failed contribute {@code null} and are left out,
   * so a median of three runs where one failed is the mean of the other two.
   */
  public static Double of(Collection<Double> values) {
    List<Double> present = new ArrayList<>(values.size());
    for (Double value : values) {
      if (value != null && Double.isFinite(value)) {
        present.add(value);
      }
    }
    if (present.isEmpty()) {
      return null;
    }
    present.sort(Double::compare);
    int middle = present.size() / 2;
    if (present.size() % 2 == 1) {
      return present.get(middle);
    }
    return (present.get(middle - 1) + present.get(middle)) / 2;
  }
}
