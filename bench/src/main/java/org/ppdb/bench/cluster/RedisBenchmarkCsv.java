package org.ppdb.bench.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the {@code --csv} output of redis-benchmark (Redis 7):
 *
 * <pre>
 * "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
 * "SET","79365.08","0.356","0.088","0.295","0.567","1.679","4.567"
 * "GET","82987.55","0.314","0.088","0.303","0.431","0.495","0.903"
 * </pre>
 *
 * <p>Columns are found by their header names, so their order may change; lines before the header
 * (warnings such as "Could not fetch server CONFIG") are skipped. Stateless; linear in the text.
 */
final class RedisBenchmarkCsv {
  private static final String[] requiredColumns = {
    "test", "rps", "avg_latency_ms", "p50_latency_ms", "p99_latency_ms", "max_latency_ms"
  };

  private RedisBenchmarkCsv() {}

  /**
   * The results in {@code csv}, one per test line, in the order printed.
   *
   * @throws IllegalArgumentException if there is no header with the needed columns, a line has
   *     fewer fields than the header, or a figure is not a number
   */
  static List<RedisBenchmarkResult> parse(String csv) {
    Map<String, Integer> columns = null;
    List<RedisBenchmarkResult> results = new ArrayList<>();
    for (String rawLine : csv.split("\r?\n")) {
      String line = rawLine.strip();
      if (line.isEmpty()) {
        continue;
      }
      List<String> fields = fields(line);
      if (columns == null) {
        if (fields.contains("test") && fields.contains("rps")) {
          columns = new HashMap<>();
          for (int i = 0; i < fields.size(); i++) {
            columns.put(fields.get(i), i);
          }
          for (String required : requiredColumns) {
            if (!columns.containsKey(required)) {
              throw new IllegalArgumentException(
                  "redis-benchmark CSV: no column '" + required + "' in header: " + line);
            }
          }
        }
        continue;
      }
      if (fields.size() < columns.size()) {
        throw new IllegalArgumentException(
            "redis-benchmark CSV: "
                + fields.size()
                + " fields (expected: "
                + columns.size()
                + ") in line: "
                + line);
      }
      results.add(
          new RedisBenchmarkResult(
              fields.get(columns.get("test")),
              number(fields, columns, "rps", line),
              number(fields, columns, "avg_latency_ms", line),
              number(fields, columns, "p50_latency_ms", line),
              number(fields, columns, "p99_latency_ms", line),
              number(fields, columns, "max_latency_ms", line)));
    }
    if (columns == null) {
      throw new IllegalArgumentException(
          "redis-benchmark CSV: no header line in: " + abbreviate(csv));
    }
    return results;
  }

  /** The result of {@code test} (e.g. {@code SET}) in {@code results}, ignoring case. */
  static RedisBenchmarkResult find(List<RedisBenchmarkResult> results, String test) {
    for (RedisBenchmarkResult result : results) {
      if (result.test().toUpperCase(Locale.ROOT).equals(test.toUpperCase(Locale.ROOT))) {
        return result;
      }
    }
    return null;
  }

  private static double number(
      List<String> fields, Map<String, Integer> columns, String column, String line) {
    String text = fields.get(columns.get(column));
    try {
      double value = Double.parseDouble(text);
      if (!Double.isFinite(value) || value < 0) {
        throw new NumberFormatException(text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "redis-benchmark CSV: " + column + " '" + text + "' is not a number in line: " + line, e);
    }
  }

  /** The fields of one CSV line: comma-separated, optionally double-quoted ("" escapes a quote). */
  static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
