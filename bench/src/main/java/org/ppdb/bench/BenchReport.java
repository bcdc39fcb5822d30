package org.ppdb.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one benchmark: the machine it ran on, the settings, one {@link ComparisonRow} per
 * metric, and notes (failures, warnings). Written as {@code bench/results/NAME.json} and printed as
 * a table.
 *
 * @param benchmark the benchmark's name, e.g. {@code storage}
 * @param title one line saying what was measured, e.g. the key count and the number of runs
 * @param machine the machine facts
 * @param settings the settings that produced the figures, in a stable order
 * @param rows the compared metrics
 * @param notes failures and warnings worth a reader's attention (empty when none)
 * @param runs the raw per-run measurements the medians came from, or {@code null}
 */
@JsonPropertyOrder({"benchmark", "title", "machine", "settings", "rows", "notes", "runs"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BenchReport(
    @JsonProperty("benchmark") String benchmark,
    @JsonProperty("title") String title,
    @JsonProperty("machine") MachineFacts machine,
    @JsonProperty("settings") Map<String, Object> settings,
    @JsonProperty("rows") List<ComparisonRow> rows,
    @JsonProperty("notes") List<String> notes,
    @JsonProperty("runs") Object runs) {

  public BenchReport {
    Objects.requireNonNull(benchmark, "benchmark");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(machine, "machine");
    settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
    rows = List.copyOf(rows);
    notes = List.copyOf(notes);
  }

  /** The JSON mapper every benchmark file is written and read with (indented, stable order). */
  public static ObjectMapper mapper() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** Writes this report as JSON to {@code file}, creating its directory. */
  public void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    mapper().writeValue(file.toFile(), this);
  }

  /**
   * The report as a plain-text table: a heading with the title and the machine, one line per row
   * with both values and the ratio, then the notes.
   */
  public String toTable() {
    String anchorName = rows.isEmpty() ? "anchor" : rows.get(0).anchor();
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {"workload", "metric", "unit", "ppdb", anchorName, "ratio"});
    for (ComparisonRow row : rows) {
      cells.add(
          new String[] {
            row.workload(),
            row.metric(),
            row.unit(),
            formatValue(row.ppdb()),
            formatValue(row.anchorValue()),
            row.ratio() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", row.ratio())
          });
    }
    int[] widths = new int[6];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(benchmark).append(": ").append(title).append('\n');
    out.append("machine: ").append(machine.summary()).append('\n');
    out.append("ratio > 1 means ppdb is better (throughput ppdb/anchor; latency, amplification")
        .append(" and memory anchor/ppdb)\n\n");
    for (int l = 0; l < cells.size(); l++) {
      String[] line = cells.get(l);
      for (int i = 0; i < line.length; i++) {
        boolean numeric = i >= 3;
        String cell = line[i];
        String padded =
            numeric ? " ".repeat(widths[i] - cell.length()) + cell : padRight(cell, widths[i]);
        out.append(padded).append(i == line.length - 1 ? "" : "  ");
      }
      out.append('\n');
      if (l == 0) {
        int total = 0;
        for (int w : widths) {
          total += w + 2;
        }
        out.append("-".repeat(total - 2)).append('\n');
      }
    }
    if (!notes.isEmpty()) {
      out.append('\n');
      for (String note : notes) {
        out.append("note: ").append(note).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * A value with thousands separators and as many decimals as its size calls for: {@code 227,431},
   * {@code 12.4}, {@code 0.853}; {@code n/a} for a missing value.
   */
  static String formatValue(Double value) {
    if (value == null || !Double.isFinite(value)) {
      return "n/a";
    }
    double magnitude = Math.abs(value);
    if (magnitude >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (magnitude >= 100) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    if (magnitude >= 1) {
      return String.format(Locale.ROOT, "%.2f", value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }

  private static String padRight(String s, int width) {
    return s + " ".repeat(width - s.length());
  }
}
