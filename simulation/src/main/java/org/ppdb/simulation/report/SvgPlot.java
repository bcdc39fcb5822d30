package org.ppdb.simulation.report;

import java.util.List;
import java.util.Locale;

/**
 * Draws a report's series as a line chart in SVG: time in simulated seconds across, the plotted
 * quantity up (for example the number of members that know of a failure), with the faults and phase
 * changes as labelled dashed lines. Plain SVG 1.1 that any browser shows; no scripts, no external
 * resources.
 *
 * <p>Stateless; cost linear in the number of points.
 */
public final class SvgPlot {

  private static final int WIDTH = 1040;
  private static final int HEIGHT = 540;
  private static final int LEFT = 80;
  private static final int RIGHT = 290;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;

  /** Most markers drawn; more would be unreadable. */
  private static final int MARKERS_MAX = 24;

  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
  };

  private SvgPlot() {}

  /** The SVG document for {@code report}. */
  public static String render(Report report) {
    double xMax = Math.max(1e-9, report.simulatedSeconds());
    double yMax = 0;
    for (Report.Series s : report.series()) {
      for (double[] p : s.points()) {
        xMax = Math.max(xMax, p[0]);
        yMax = Math.max(yMax, p[1]);
      }
    }
    if (yMax <= 0) {
      yMax = 1;
    }
    double xStep = niceStep(xMax);
    double yStep = niceStep(yMax);
    xMax = Math.ceil(xMax / xStep) * xStep;
    yMax = Math.ceil(yMax / yStep) * yStep;
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;

    StringBuilder sb = new StringBuilder();
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    String title =
        (report.plotTitle().isEmpty() ? report.scenario() : report.plotTitle())
            + " (scenario "
            + report.scenario()
            + ", seed "
            + report.seed()
            + ")";
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"28\" font-size=\"16\" font-weight=\"bold\">%s</text>%n",
            LEFT,
            escape(title)));
    // Grid and tick labels.
    for (double x = 0; x <= xMax + xStep / 2; x += xStep) {
      double px = LEFT + x / xMax * plotW;
      sb.append(line(px, TOP, px, TOP + plotH, "#e0e0e0", ""));
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              px,
              TOP + plotH + 18,
              Report.format(x)));
    }
    for (double y = 0; y <= yMax + yStep / 2; y += yStep) {
      double py = TOP + plotH - y / yMax * plotH;
      sb.append(line(LEFT, py, LEFT + plotW, py, "#e0e0e0", ""));
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
              LEFT - 6,
              py + 4,
              Report.format(y)));
    }
    sb.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "black", ""));
    sb.append(line(LEFT, TOP, LEFT, TOP + plotH, "black", ""));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">simulated time (s)</text>%n",
            LEFT + plotW / 2,
            HEIGHT - 18));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text transform=\"translate(20,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
            TOP + plotH / 2,
            escape(report.plotYLabel())));
    // Markers: a dashed line with a number on the plot; the numbers are explained beside it, so
    // labels of markers close in time never overlap.
    List<Report.Marker> markers = report.markers();
    int markerCount = Math.min(markers.size(), MARKERS_MAX);
    for (int k = 0; k < markerCount; k++) {
      Report.Marker m = markers.get(k);
      double px = LEFT + Math.min(m.atSeconds(), xMax) / xMax * plotW;
      sb.append(line(px, TOP, px, TOP + plotH, "#888888", " stroke-dasharray=\"4 3\""));
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\""
                  + " fill=\"#555555\">%d</text>%n",
              px,
              TOP - 4 - (k % 2) * 11,
              k + 1));
    }
    // Series.
    List<Report.Series> all = report.series();
    for (int i = 0; i < all.size(); i++) {
      Report.Series s = all.get(i);
      String color = COLORS[i % COLORS.length];
      StringBuilder points = new StringBuilder();
      for (double[] p : s.points()) {
        points.append(
            String.format(
                Locale.ROOT,
                "%.1f,%.1f ",
                LEFT + p[0] / xMax * plotW,
                TOP + plotH - p[1] / yMax * plotH));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
              color,
              points.toString().trim()));
      int ly = TOP + 10 + i * 20;
      sb.append(line(WIDTH - RIGHT + 15, ly, WIDTH - RIGHT + 40, ly, color, " stroke-width=\"3\""));
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n",
              WIDTH - RIGHT + 46,
              ly + 4,
              escape(s.name())));
    }
    int my = TOP + 30 + all.size() * 20;
    for (int k = 0; k < markerCount && my < HEIGHT - BOTTOM; k++, my += 14) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#555555\">%d  at %.1f s: %s</text>%n",
              WIDTH - RIGHT + 15,
              my,
              k + 1,
              markers.get(k).atSeconds(),
              escape(markers.get(k).label())));
    }
    String footer =
        "trace "
            + report.traceHash()
            + (report.passed() ? "  PASS" : "  FAIL: " + report.replayCommand());
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#555555\">%s</text>%n",
            LEFT,
            HEIGHT - 4,
            escape(footer)));
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static String line(
      double x1, double y1, double x2, double y2, String color, String extra) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n",
        x1,
        y1,
        x2,
        y2,
        color,
        extra);
  }

  /** A step of 1, 2 or 5 times a power of ten giving 4 to 10 ticks over {@code range}. */
  static double niceStep(double range) {
    double raw = range / 6;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double normalized = raw / magnitude;
    double nice = normalized < 1.5 ? 1 : normalized < 3.5 ? 2 : normalized < 7.5 ? 5 : 10;
    return nice * magnitude;
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
