package org.ppdb.simulation.scenario;

import java.util.SplittableRandom;
import org.ppdb.simulation.TraceHash;
import org.ppdb.simulation.dht.DhtLookupScenario;
import org.ppdb.simulation.gossip.GossipScenario;
import org.ppdb.simulation.report.Report;

/**
 * {@code swarm} (TigerBeetle's VOPR, FoundationDB's swarm testing): each seed draws which protocol
 * to exercise and then everything else: for gossip (three seeds in four) cluster size, fault mix
 * (crashes, a partition, churn, starvation, pauses longer than every timeout, clock jumps, clogged
 * links), loss, duplication and reordering, and the whole SWIM configuration within its valid
 * ranges; for the DHT, network size, failed fraction, loss, k, alpha and request timeout. Every run
 * ends with a heal phase whose checkers must pass, so a long swarm is a search for a seed that
 * breaks an invariant; the failing seed replays with the printed command.
 */
public final class SwarmScenario implements Scenario {

  @Override
  public String name() {
    return "swarm";
  }

  @Override
  public String summary() {
    return "scenario, cluster size, fault mix and rates, and protocol configuration from the seed";
  }

  @Override
  public Report run(ScenarioOptions options, Progress progress) {
    SplittableRandom draw = new SplittableRandom(TraceHash.mix(options.seed() ^ 0x5a4dL));
    boolean gossip = draw.nextInt(4) != 0;
    Scenario inner =
        gossip ? new GossipScenario(GossipScenario.Kind.SWARM) : new DhtLookupScenario(true);
    ScenarioOptions drawn = options;
    if (!gossip && options.peers() == null) {
      drawn = drawn.withPeers(100 + draw.nextInt(901)).withLookups(200);
    }
    Report report = inner.run(drawn, progress);
    report.config("swarm drew", inner.name());
    report.replayCommand(options.replayCommand());
    return report;
  }
}
