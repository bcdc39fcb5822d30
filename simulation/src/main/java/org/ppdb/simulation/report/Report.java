package org.ppdb.simulation.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one simulated run: the seed and configuration that reproduce it, the figures it
 * measured, the violations its checkers found, its trace hash, and the series to plot. Rendered as
 * text for people ({@link #toText()}), as JSON for tools ({@link #toJson()}) and as an SVG chart
 * ({@link SvgPlot}).
 *
 * <p>Built by one scenario on the simulator thread; not thread-safe.
 */
public final class Report {

  /** The most violations kept; a run that breaks more is reported by the first ones. */
  public static final int VIOLATIONS_MAX = 100;

  /** One measured figure: a name, a value and its unit. */
  public record Figure(String name, double value, String unit) {}

  /** A vertical marker on the plot: a fault or phase change at a time, in seconds. */
  public record Marker(double atSeconds, String label) {}

  /** One line on the plot: points (x seconds, y value). */
  public record Series(String name, List<double[]> points) {}

  private final String scenario;
  private final long seed;
  private final Map<String, Object> configuration = new LinkedHashMap<>();
  private final List<Figure> figures = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final List<Series> series = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();
  private int violationsDropped;
  private String plotTitle = "";
  private String plotYLabel = "";
  private String traceHash = "";
  private long events;
  private double simulatedSeconds;
  private double wallSeconds = Double.NaN;
  private double cpuSeconds = Double.NaN;
  private String replayCommand = "";

  public Report(String scenario, long seed) {
    this.scenario = scenario;
    this.seed = seed;
  }

  public String scenario() {
    return scenario;
  }

  public long seed() {
    return seed;
  }

  /** Records one configuration value (a cluster size, a preset name, a loss rate). */
  public Report config(String name, Object value) {
    configuration.put(name, value);
    return this;
  }

  public Map<String, Object> configuration() {
    return Collections.unmodifiableMap(configuration);
  }

  /** Records one figure; NaN values are kept (and printed as "n/a"). */
  public Report figure(String name, double value, String unit) {
    figures.add(new Figure(name, value, unit));
    return this;
  }

  /** Records p50, p99 and max of a distribution as three figures, and its count. */
  public Report distribution(String name, Distribution d, String unit) {
    figure(name + " p50", d.percentile(50), unit);
    figure(name + " p99", d.percentile(99), unit);
    figure(name + " max", d.max(), unit);
    figure(name + " count", d.count(), "");
    return this;
  }

  public List<Figure> figures() {
    return Collections.unmodifiableList(figures);
  }

  /** The value of the first figure with this name, or NaN. */
  public double figure(String name) {
    for (Figure f : figures) {
      if (f.name().equals(name)) {
        return f.value();
      }
    }
    return Double.NaN;
  }

  /** Records a checker's finding; the run fails. */
  public Report violation(String message) {
    if (violations.size() < VIOLATIONS_MAX) {
      violations.add(message);
    } else {
      violationsDropped++;
    }
    return this;
  }

  public List<String> violations() {
    return Collections.unmodifiableList(violations);
  }

  public boolean passed() {
    return violations.isEmpty() && violationsDropped == 0;
  }

  /** Sets the plot's title and y-axis label. */
  public Report plot(String title, String yLabel) {
    this.plotTitle = title;
    this.plotYLabel = yLabel;
    return this;
  }

  public Report series(Series s) {
    series.add(s);
    return this;
  }

  public Report marker(double atSeconds, String label) {
    markers.add(new Marker(atSeconds, label));
    return this;
  }

  public List<Series> series() {
    return Collections.unmodifiableList(series);
  }

  public List<Marker> markers() {
    return Collections.unmodifiableList(markers);
  }

  public String plotTitle() {
    return plotTitle;
  }

  public String plotYLabel() {
    return plotYLabel;
  }

  /** Records the run's end state: trace hash, events processed and simulated time. */
  public Report finish(String traceHash, long events, double simulatedSeconds) {
    this.traceHash = traceHash;
    this.events = events;
    this.simulatedSeconds = simulatedSeconds;
    return this;
  }

  public String traceHash() {
    return traceHash;
  }

  public long events() {
    return events;
  }

  public double simulatedSeconds() {
    return simulatedSeconds;
  }

  /** The wall time the run took; set by the host that timed it (the simulator never reads it). */
  public Report wallSeconds(double seconds) {
    this.wallSeconds = seconds;
    return this;
  }

  public double wallSeconds() {
    return wallSeconds;
  }

  /**
   * The CPU time of the simulator thread, set by the host that measured it; on a shared machine a
   * steadier measure of the simulator's speed than wall time.
   */
  public Report cpuSeconds(double seconds) {
    this.cpuSeconds = seconds;
    return this;
  }

  public double cpuSeconds() {
    return cpuSeconds;
  }

  /** The command that replays this run exactly. */
  public Report replayCommand(String command) {
    this.replayCommand = command;
    return this;
  }

  public String replayCommand() {
    return replayCommand;
  }

  /** A readable report: configuration, figures, violations, trace hash. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append("scenario ").append(scenario).append("  seed ").append(seed).append('\n');
    sb.append("configuration:\n");
    configuration.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
    sb.append("figures:\n");
    int width = 0;
    for (Figure f : figures) {
      width = Math.max(width, f.name().length());
    }
    for (Figure f : figures) {
      sb.append("  ")
          .append(f.name())
          .append(" ".repeat(width - f.name().length()))
          .append("  ")
          .append(format(f.value()))
          .append(f.unit().isEmpty() ? "" : " " + f.unit())
          .append('\n');
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "run: %.1f simulated s, %d events, trace %s%n",
            simulatedSeconds,
            events,
            traceHash));
    if (!Double.isNaN(wallSeconds)) {
      sb.append(
          String.format(
              Locale.ROOT,
              "speed: %.1f wall s, %.1f simulated s per wall s",
              wallSeconds,
              simulatedSeconds / Math.max(1e-9, wallSeconds)));
      if (!Double.isNaN(cpuSeconds)) {
        sb.append(
            String.format(
                Locale.ROOT,
                "; %.1f CPU s, %.1f simulated s per CPU s, %.0f events per CPU s",
                cpuSeconds,
                simulatedSeconds / Math.max(1e-9, cpuSeconds),
                events / Math.max(1e-9, cpuSeconds)));
      }
      sb.append('\n');
    }
    if (passed()) {
      sb.append("result: PASS\n");
    } else {
      sb.append("result: FAIL (")
          .append(violations.size() + violationsDropped)
          .append(" violations)\n");
      for (String v : violations) {
        sb.append("  - ").append(v).append('\n');
      }
      if (violationsDropped > 0) {
        sb.append("  ... and ").append(violationsDropped).append(" more\n");
      }
      sb.append("replay: ").append(replayCommand).append('\n');
    }
    return sb.toString();
  }

  /** The report as pretty-printed JSON. */
  public String toJson() {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("scenario", scenario);
    root.put("seed", seed);
    ObjectNode config = root.putObject("configuration");
    configuration.forEach((k, v) -> config.set(k, mapper.valueToTree(v)));
    ArrayNode figs = root.putArray("figures");
    for (Figure f : figures) {
      ObjectNode node = figs.addObject();
      node.put("name", f.name());
      if (Double.isFinite(f.value())) {
        node.put("value", f.value());
      } else {
        node.putNull("value");
      }
      node.put("unit", f.unit());
    }
    ArrayNode vs = root.putArray("violations");
    violations.forEach(vs::add);
    root.put("passed", passed());
    root.put("traceHash", traceHash);
    root.put("events", events);
    root.put("simulatedSeconds", simulatedSeconds);
    if (!Double.isNaN(wallSeconds)) {
      root.put("wallSeconds", wallSeconds);
    }
    if (!Double.isNaN(cpuSeconds)) {
      root.put("cpuSeconds", cpuSeconds);
    }
    root.put("replay", replayCommand);
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot render the report as JSON", e);
    }
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
