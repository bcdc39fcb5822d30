package org.ppdb.simulation.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ppdb.simulation.dht.DhtLookupScenario;
import org.ppdb.simulation.dht.RendezvousScenario;
import org.ppdb.simulation.gossip.GossipScenario;

/** The named scenarios {@code ppdb simulate --scenario NAME} can run, in the order listed. */
public final class Scenarios {

  private Scenarios() {}

  /** Every scenario, a fresh instance each (they are stateless). */
  public static List<Scenario> all() {
    List<Scenario> all = new ArrayList<>();
    all.add(new GossipScenario(GossipScenario.Kind.CRASH));
    all.add(new GossipScenario(GossipScenario.Kind.PARTITION_HEAL));
    all.add(new GossipScenario(GossipScenario.Kind.CHURN));
    all.add(new GossipScenario(GossipScenario.Kind.STARVED_MEMBER));
    all.add(new DhtLookupScenario());
    all.add(new RendezvousScenario());
    all.add(new org.ppdb.simulation.peer.PeersCrashScenario());
    all.add(new org.ppdb.simulation.peer.KvScenario());
    all.add(new SwarmScenario());
    return all;
  }

  /** The scenario called {@code name}. */
  public static Optional<Scenario> byName(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The names of every scenario. */
  public static List<String> names() {
    return all().stream().map(Scenario::name).toList();
  }
}
