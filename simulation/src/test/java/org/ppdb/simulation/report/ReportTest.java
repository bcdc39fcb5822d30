package org.ppdb.simulation.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

  @Test
  void percentilesAreNearestRank() {
    Distribution d = new Distribution();
    for (int i = 100; i >= 1; i--) {
      d.add(i);
    }
    assertThat(d.percentile(50)).isEqualTo(50);
    assertThat(d.percentile(99)).isEqualTo(99);
    assertThat(d.percentile(100)).isEqualTo(100);
    assertThat(d.percentile(0.5)).isEqualTo(1);
    assertThat(d.max()).isEqualTo(100);
    assertThat(d.mean()).isEqualTo(50.5);
    assertThat(new Distribution().percentile(50)).isNaN();
    assertThatThrownBy(() -> d.percentile(0)).hasMessage("p: 0.0 (expected: in (0, 100])");
  }

  private static Report sample() {
    Report r = new Report("crash", 42);
    r.config("peers", 20).config("preset", "ppdb");
    r.figure("detection p99", 4.25, "s").figure("false deaths", 0, "per member-hour");
    r.plot("members that know node 3 is dead", "members");
    r.series(new Report.Series("knows dead", List.of(new double[] {0, 0}, new double[] {5, 19})));
    r.marker(2.0, "crash node 3");
    r.finish("00000000deadbeef", 1234, 60);
    r.replayCommand("bin/ppdb simulate --scenario crash --seed 42");
    return r;
  }

  @Test
  void textNamesFiguresAndVerdict() {
    Report r = sample();
    String text = r.toText();
    assertThat(text).contains("scenario crash  seed 42").contains("detection p99  4.250 s");
    assertThat(text).contains("trace 00000000deadbeef").contains("result: PASS");
    r.violation("node 4 still thinks node 3 is alive");
    assertThat(r.passed()).isFalse();
    assertThat(r.toText())
        .contains("result: FAIL (1 violations)")
        .contains("node 4 still thinks")
        .contains("replay: bin/ppdb simulate --scenario crash --seed 42");
  }

  @Test
  void jsonHoldsSeedConfigurationFiguresAndTraceHash() throws Exception {
    JsonNode root = new ObjectMapper().readTree(sample().toJson());
    assertThat(root.get("seed").asLong()).isEqualTo(42);
    assertThat(root.get("configuration").get("peers").asInt()).isEqualTo(20);
    assertThat(root.get("figures").get(0).get("name").asText()).isEqualTo("detection p99");
    assertThat(root.get("figures").get(0).get("value").asDouble()).isEqualTo(4.25);
    assertThat(root.get("traceHash").asText()).isEqualTo("00000000deadbeef");
    assertThat(root.get("passed").asBoolean()).isTrue();
  }

  @Test
  void svgPlotDrawsSeriesMarkersAndLegend() {
    String svg = SvgPlot.render(sample());
    assertThat(svg).startsWith("<?xml").contains("<svg").endsWith("</svg>\n");
    assertThat(svg).contains("<polyline").contains("knows dead").contains("crash node 3");
    assertThat(svg).contains("seed 42");
  }

  @Test
  void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(SvgPlot.niceStep(60)).isEqualTo(10);
    assertThat(SvgPlot.niceStep(1000)).isEqualTo(200);
    assertThat(SvgPlot.niceStep(3)).isEqualTo(0.5);
  }
}
