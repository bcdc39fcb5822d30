package org.ppdb.bench.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ppdb.bench.BenchReport;
import org.ppdb.bench.ComparisonRow;

/**
 * The cluster benchmark's report as text: like {@link BenchReport#toTable()}, but in one section
 * per anchor (redis-server, Hazelcast), since this benchmark compares against two. Stateless.
 */
final class ClusterTable {
  private ClusterTable() {}

  static String format(BenchReport report) {
    StringBuilder out = new StringBuilder();
    out.append(report.benchmark()).append(": ").append(report.title()).append('\n');
    out.append("machine: ").append(report.machine().summary()).append('\n');
    out.append("ratio > 1 means ppdb is better (throughput ppdb/anchor; latency anchor/ppdb)\n");
    Map<String, List<ComparisonRow>> byAnchor = new LinkedHashMap<>();
    for (ComparisonRow row : report.rows()) {
      byAnchor.computeIfAbsent(row.anchor(), a -> new ArrayList<>()).add(row);
    }
    for (Map.Entry<String, List<ComparisonRow>> section : byAnchor.entrySet()) {
      out.append('\n').append("against ").append(section.getKey()).append('\n');
      List<String[]> cells = new ArrayList<>();
      cells.add(new String[] {"ppdb setup: workload", "metric", "unit", "ppdb", "anchor", "ratio"});
      for (ComparisonRow row : section.getValue()) {
        cells.add(
            new String[] {
              row.workload(),
              row.metric(),
              row.unit(),
              format(row.ppdb()),
              format(row.anchorValue()),
              row.ratio() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", row.ratio())
            });
      }
      int[] widths = new int[6];
      for (String[] line : cells) {
        for (int i = 0; i < line.length; i++) {
          widths[i] = Math.max(widths[i], line[i].length());
        }
      }
      for (int l = 0; l < cells.size(); l++) {
        String[] line = cells.get(l);
        for (int i = 0; i < line.length; i++) {
          String cell = line[i];
          String pad = " ".repeat(widths[i] - cell.length());
          out.append(i >= 3 ? pad + cell : cell + pad).append(i == line.length - 1 ? "" : "  ");
        }
        out.append('\n');
        if (l == 0) {
          int total = -2;
          for (int w : widths) {
            total += w + 2;
          }
          out.append("-".repeat(total)).append('\n');
        }
      }
    }
    if (!report.notes().isEmpty()) {
      out.append('\n');
      for (String note : report.notes()) {
        out.append("note: ").append(note).append('\n');
      }
    }
    return out.toString();
  }

  /** A value with thousands separators, or with 3 decimals below 100 (latencies in ms). */
  static String format(Double value) {
    if (value == null || !Double.isFinite(value)) {
      return "n/a";
    }
    if (Math.abs(value) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
