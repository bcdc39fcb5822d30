package org.ppdb.simulation.scenario;

import java.util.Locale;

/**
 * What the user chose for one run; anything left null is drawn from the seed (swarm style) or takes
 * the scenario's default. The seed and the explicit options reproduce a run exactly, which is what
 * {@link #replayCommand()} prints.
 *
 * @param scenario the scenario's name
 * @param seed the master seed
 * @param peers cluster size, or null for the scenario's choice
 * @param durationNanos length of the fault phase (or of the whole run for measuring scenarios), or
 *     null for the scenario's choice
 * @param loss random message loss in [0, 1), or null for the scenario's choice
 * @param preset the gossip configuration preset: "ppdb" (ppdb's defaults) or "memberlist"
 *     (hashicorp/memberlist's LAN defaults), or null for ppdb's
 * @param failed the fraction of nodes that fail, in [0, 1): in the DHT scenarios silently before
 *     the lookups, in {@code crash} by crashes spread over the fault phase; or null to draw it
 * @param lookups the number of DHT lookups to run, or null for the scenario's choice
 * @param joinRefreshes DHT scenarios: the bucket refresh lookups a bootstrapping node runs after
 *     the lookup of its own id ({@code DhtConfig.bootstrapRefreshLookupsMax}), or null for the
 *     protocol's default; 0 makes joins about ten times cheaper to simulate (far buckets then fill
 *     from traffic), which is how a 100,000-node network is grown in minutes
 */
public record ScenarioOptions(
    String scenario,
    long seed,
    Integer peers,
    Long durationNanos,
    Double loss,
    String preset,
    Double failed,
    Integer lookups,
    Integer joinRefreshes) {

  /** The gossip presets a run may choose. */
  public static final String PRESET_PPDB = "ppdb";

  public static final String PRESET_MEMBERLIST = "memberlist";

  public ScenarioOptions {
    if (scenario == null || scenario.isEmpty()) {
      throw new IllegalArgumentException("scenario: empty (expected: a scenario name)");
    }
    if (peers != null && peers < 2) {
      throw new IllegalArgumentException("peers: " + peers + " (expected: >= 2)");
    }
    if (durationNanos != null && durationNanos <= 0) {
      throw new IllegalArgumentException("duration: " + durationNanos + " ns (expected: > 0)");
    }
    if (loss != null && !(loss >= 0 && loss < 1)) {
      throw new IllegalArgumentException("loss: " + loss + " (expected: in [0, 1))");
    }
    if (failed != null && !(failed >= 0 && failed < 1)) {
      throw new IllegalArgumentException("failed: " + failed + " (expected: in [0, 1))");
    }
    if (joinRefreshes != null && joinRefreshes < 0) {
      throw new IllegalArgumentException("joinRefreshes: " + joinRefreshes + " (expected: >= 0)");
    }
    if (lookups != null && lookups < 1) {
      throw new IllegalArgumentException("lookups: " + lookups + " (expected: >= 1)");
    }
    if (preset != null && !preset.equals(PRESET_PPDB) && !preset.equals(PRESET_MEMBERLIST)) {
      throw new IllegalArgumentException(
          "preset: " + preset + " (expected: " + PRESET_PPDB + " or " + PRESET_MEMBERLIST + ")");
    }
  }

  /** Options with only a scenario and a seed: everything else drawn or defaulted. */
  public static ScenarioOptions of(String scenario, long seed) {
    return new ScenarioOptions(scenario, seed, null, null, null, null, null, null, null);
  }

  public ScenarioOptions withPeers(Integer n) {
    return new ScenarioOptions(
        scenario, seed, n, durationNanos, loss, preset, failed, lookups, joinRefreshes);
  }

  public ScenarioOptions withDuration(Long nanos) {
    return new ScenarioOptions(
        scenario, seed, peers, nanos, loss, preset, failed, lookups, joinRefreshes);
  }

  public ScenarioOptions withLoss(Double p) {
    return new ScenarioOptions(
        scenario, seed, peers, durationNanos, p, preset, failed, lookups, joinRefreshes);
  }

  public ScenarioOptions withPreset(String p) {
    return new ScenarioOptions(
        scenario, seed, peers, durationNanos, loss, p, failed, lookups, joinRefreshes);
  }

  public ScenarioOptions withFailed(Double f) {
    return new ScenarioOptions(
        scenario, seed, peers, durationNanos, loss, preset, f, lookups, joinRefreshes);
  }

  public ScenarioOptions withLookups(Integer n) {
    return new ScenarioOptions(
        scenario, seed, peers, durationNanos, loss, preset, failed, n, joinRefreshes);
  }

  public ScenarioOptions withJoinRefreshes(Integer n) {
    return new ScenarioOptions(
        scenario, seed, peers, durationNanos, loss, preset, failed, lookups, n);
  }

  public ScenarioOptions withScenario(String name) {
    return new ScenarioOptions(
        name, seed, peers, durationNanos, loss, preset, failed, lookups, joinRefreshes);
  }

  /** The preset, ppdb's when none was chosen. */
  public String presetOrDefault() {
    return preset == null ? PRESET_PPDB : preset;
  }

  /** The one command that replays this run. */
  public String replayCommand() {
    StringBuilder sb = new StringBuilder("bin/ppdb simulate --scenario ");
    sb.append(scenario).append(" --seed ").append(seed);
    if (peers != null) {
      sb.append(" --peers ").append(peers);
    }
    if (durationNanos != null) {
      sb.append(" --duration ").append(formatDuration(durationNanos));
    }
    if (loss != null) {
      sb.append(" --loss ").append(loss);
    }
    if (preset != null) {
      sb.append(" --preset ").append(preset);
    }
    if (failed != null) {
      sb.append(" --failed ").append(failed);
    }
    if (lookups != null) {
      sb.append(" --lookups ").append(lookups);
    }
    if (joinRefreshes != null) {
      sb.append(" --join-refreshes ").append(joinRefreshes);
    }
    return sb.toString();
  }

  /**
   * Parses a duration such as {@code 500ms}, {@code 90s}, {@code 10m} or {@code 1h} (a bare number
   * is seconds) into nanoseconds.
   */
  public static long parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long unit;
    String number;
    if (t.endsWith("ms")) {
      unit = 1_000_000L;
      number = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      unit = 1_000_000_000L;
      number = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      unit = 60_000_000_000L;
      number = t.substring(0, t.length() - 1);
    } else if (t.endsWith("h")) {
      unit = 3_600_000_000_000L;
      number = t.substring(0, t.length() - 1);
    } else {
      unit = 1_000_000_000L;
      number = t;
    }
    double value;
    try {
      value = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "duration: " + text + " (expected: a number with ms, s, m or h)", e);
    }
    if (!(value > 0) || value * unit > Long.MAX_VALUE / 2) {
      throw new IllegalArgumentException("duration: " + text + " (expected: > 0 and < 100 years)");
    }
    return Math.round(value * unit);
  }

  /** The shortest exact form of a duration for {@link #parseDuration}. */
  public static String formatDuration(long nanos) {
    if (nanos % 3_600_000_000_000L == 0) {
      return nanos / 3_600_000_000_000L + "h";
    }
    if (nanos % 60_000_000_000L == 0) {
      return nanos / 60_000_000_000L + "m";
    }
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    return nanos / 1e9 + "s";
  }
}
