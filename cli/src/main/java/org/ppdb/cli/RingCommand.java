package org.ppdb.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ppdb.peer.client.PpdbClient;
import org.ppdb.peer.resp.TopologyEntry;
import org.ppdb.peer.ring.TokenRing;
import picocli.CommandLine.Command;

/**
 * {@code ppdb ring}: which part of the ring each peer owns, computed from the cluster's topology
 * with the peers' own placement ({@link TokenRing}), then the peer's own description ({@code
 * PPDB.RING}).
 */
@Command(
    name = "ring",
    description = {
      "Print the ring: for every member its client address, state, tokens and the share of the"
          + " keys it holds (as primary, and as any replica), then the ring as the peer describes"
          + " it (ranges and load).",
      "",
      "  ppdb ring --host 10.0.0.5",
      "",
      "Exit status: 0 done, 1 failed, 2 bad usage."
    },
    sortOptions = false,
    mixinStandardHelpOptions = true)
final class RingCommand extends ClientCommand {

  @Override
  int run(PpdbClient client) {
    List<TopologyEntry> members = client.topology();
    int n = client.replicationFactor();
    PrintWriter out = spec.commandLine().getOut();
    out.print(table(members, n));
    out.println();
    out.println("# ring as the peer describes it");
    out.print(client.ring());
    return 0;
  }

  /** The member table: shares come from the tokens of the members in state normal. */
  static String table(List<TopologyEntry> members, int replicationFactor) {
    Map<String, long[]> tokens = new LinkedHashMap<>();
    for (TopologyEntry e : members) {
      if (e.normal()) {
        tokens.put(e.nodeIdHex(), e.tokens());
      }
    }
    Map<String, Double> primary = Map.of();
    Map<String, Double> replica = Map.of();
    if (!tokens.isEmpty()) {
      primary = TokenRing.of(tokens, 1).replicaShare();
      replica = TokenRing.of(tokens, replicationFactor).replicaShare();
    }
    StringBuilder sb = new StringBuilder();
    sb.append("replication factor ")
        .append(replicationFactor)
        .append(", ")
        .append(members.size())
        .append(members.size() == 1 ? " member" : " members")
        .append('\n');
    sb.append(
        String.format(
            "%-16s  %-22s  %-7s  %-7s  %6s  %8s  %8s%n",
            "NODE", "CLIENT", "STATE", "STATUS", "TOKENS", "PRIMARY", "REPLICA"));
    for (TopologyEntry e : members) {
      String id = e.nodeIdHex().length() > 16 ? e.nodeIdHex().substring(0, 16) : e.nodeIdHex();
      String address =
          (e.clientHost().indexOf(':') >= 0 ? "[" + e.clientHost() + "]" : e.clientHost())
              + ":"
              + e.clientPort();
      sb.append(
          String.format(
              "%-16s  %-22s  %-7s  %-7s  %6d  %7.2f%%  %7.2f%%%n",
              id,
              address,
              e.state(),
              e.status(),
              e.tokens().length,
              100 * primary.getOrDefault(e.nodeIdHex(), 0.0),
              100 * replica.getOrDefault(e.nodeIdHex(), 0.0)));
    }
    return sb.toString();
  }
}
