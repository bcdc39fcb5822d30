package org.ppdb.gossip;

/**
 * Configuration of a {@link Swim} core. Immutable; validated on construction (each field's range,
 * and the relationships between fields). Two presets: {@link #ppdbDefaults()} and {@link
 * #memberlistLan()} (hashicorp/memberlist's {@code DefaultLANConfig}, field for field where
 * memberlist has the field), so the two can be run side by side. Derive variants with {@link
 * #toBuilder()}.
 *
 * @param probeIntervalNanos time between probes of one member by this member, in nanoseconds,
 *     before the local health multiplier. [ppdb 500 ms; memberlist 1 s] Shorter detects failures
 *     sooner (the suspicion timeout is a multiple of it) at the cost of proportionally more probe
 *     traffic.
 * @param probeTimeoutNanos time to wait for a direct ack before asking others to probe indirectly,
 *     in nanoseconds, before the local health multiplier. [ppdb 250 ms; memberlist 500 ms] Should
 *     be well above the round-trip time at the 99.9th percentile; shorter means more indirect
 *     probes. Must be less than the probe interval.
 * @param indirectChecks members asked to probe indirectly after a direct probe fails. [3] More
 *     means fewer false suspicions under loss or a bad path, and more messages per failed probe.
 * @param suspicionMult multiplier of the minimum suspicion timeout, which is {@code suspicionMult *
 *     max(1, log10(n)) * probeInterval} for {@code n} live members; Lifeguard expects {@code
 *     suspicionMult - 2} independent confirmations. [4] Higher gives a suspected member more time
 *     to refute (fewer false deaths) and delays the detection of real failures.
 * @param suspicionMaxTimeoutMult the maximum suspicion timeout, where a suspicion starts, as a
 *     multiple of the minimum. [6] Higher protects a slow member longer when no one confirms the
 *     suspicion.
 * @param awarenessMaxMultiplier upper bound of the local health multiplier that stretches this
 *     member's probe interval and timeouts when it misses acks and nacks or has to refute suspicion
 *     (Lifeguard). [8] Higher protects the cluster from an overloaded member's false accusations
 *     for longer, and slows its own failure detection while it is unhealthy.
 * @param retransmitMult each update is piggybacked {@code retransmitMult * ceil(log10(n + 1))}
 *     times. [4] Higher makes dissemination more robust to loss and costs packet space.
 * @param gossipIntervalNanos time between gossip rounds, in nanoseconds. [200 ms] Shorter spreads
 *     updates faster and sends more packets.
 * @param gossipNodes members sent to in each gossip round. [ppdb 4; memberlist 3] More spreads
 *     faster (a join reaches everyone in fewer rounds) and sends more packets.
 * @param gossipToTheDeadNanos how long a dead member still receives gossip, so that it can learn it
 *     was declared dead and refute, in nanoseconds. [30 s] Longer helps members that were only
 *     slow; shorter saves packets sent to members that are really gone.
 * @param pushPullIntervalNanos time between full state exchanges with one random member, in
 *     nanoseconds, for clusters of up to 32 members; beyond that it grows like memberlist's {@code
 *     pushPullScale} (one more interval for every doubling). [30 s] Shorter heals partitions and
 *     repairs missed updates sooner; every exchange moves the whole view both ways.
 * @param packetBytesMax budget of every message but push-pull, in bytes of the compact encoding
 *     ({@link SwimMessage}). [1,400] Must fit the transport's datagram (an Ethernet MTU minus
 *     headers); larger carries more updates per packet.
 * @param broadcastQueueMax most updates waiting to be piggybacked. [4,096] When full the most
 *     retransmitted update is dropped; push-pull repairs what gossip drops. Higher holds more
 *     updates during churn at more memory per member.
 * @param membersMax most members (tombstones included) this core tracks; records of further members
 *     are dropped. [65,536] A bound on memory and on the size of push-pull messages.
 * @param metadataBytesMax largest metadata this member may publish, in bytes. [512] It must fit in
 *     a packet with room to spare; larger metadata travels more slowly.
 * @param tombstoneReclaimNanos how long a dead or left member stays as a tombstone before it is
 *     forgotten, in nanoseconds. [ppdb 10 min; memberlist 30 s, its gossip-to-the-dead time] Longer
 *     protects longer against stale gossip resurrecting the member and costs memory per tombstone.
 * @param joinRetryIntervalNanos time between attempts to reach the seeds while no other member is
 *     known, in nanoseconds. [1 s]
 * @param seedsMax most seed addresses {@link Swim#join} accepts. [64]
 * @param relaysMax most indirect probes this member relays for others at once; further requests are
 *     dropped. [256]
 */
public record SwimConfig(
    long probeIntervalNanos,
    long probeTimeoutNanos,
    int indirectChecks,
    int suspicionMult,
    int suspicionMaxTimeoutMult,
    int awarenessMaxMultiplier,
    int retransmitMult,
    long gossipIntervalNanos,
    int gossipNodes,
    long gossipToTheDeadNanos,
    long pushPullIntervalNanos,
    int packetBytesMax,
    int broadcastQueueMax,
    int membersMax,
    int metadataBytesMax,
    long tombstoneReclaimNanos,
    long joinRetryIntervalNanos,
    int seedsMax,
    int relaysMax) {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  /** Smallest packet budget: room for a probe and at least one small update. */
  public static final int PACKET_BYTES_MIN = 256;

  /** Largest packet budget: a maximal UDP payload. */
  public static final int PACKET_BYTES_MAX = 65_507;

  /**
   * Space kept in every packet for the message's own fields (tag, sequence number, target id and
   * address), so that metadata of {@link #metadataBytesMax} always fits beside them.
   */
  static final int PACKET_HEADER_BYTES_MAX =
      1 + 10 + (5 + MemberId.BYTES_MAX) + (2 + Address.HOST_BYTES_MAX + 2) + 5;

  public SwimConfig {
    positive("probeIntervalNanos", probeIntervalNanos);
    positive("probeTimeoutNanos", probeTimeoutNanos);
    Check.argument(
        probeTimeoutNanos < probeIntervalNanos,
        "probeTimeoutNanos: "
            + probeTimeoutNanos
            + " (expected: < probeIntervalNanos "
            + probeIntervalNanos
            + ")");
    range("indirectChecks", indirectChecks, 0, 16);
    range("suspicionMult", suspicionMult, 1, 100);
    range("suspicionMaxTimeoutMult", suspicionMaxTimeoutMult, 1, 100);
    range("awarenessMaxMultiplier", awarenessMaxMultiplier, 1, 64);
    range("retransmitMult", retransmitMult, 1, 100);
    positive("gossipIntervalNanos", gossipIntervalNanos);
    range("gossipNodes", gossipNodes, 0, 64);
    Check.argument(
        gossipToTheDeadNanos >= 0,
        "gossipToTheDeadNanos: " + gossipToTheDeadNanos + " (expected: >= 0)");
    positive("pushPullIntervalNanos", pushPullIntervalNanos);
    range("packetBytesMax", packetBytesMax, PACKET_BYTES_MIN, PACKET_BYTES_MAX);
    range("broadcastQueueMax", broadcastQueueMax, 16, 1 << 20);
    range("membersMax", membersMax, 2, 1 << 24);
    range("metadataBytesMax", metadataBytesMax, 0, Member.METADATA_BYTES_MAX);
    positive("tombstoneReclaimNanos", tombstoneReclaimNanos);
    positive("joinRetryIntervalNanos", joinRetryIntervalNanos);
    range("seedsMax", seedsMax, 1, 1024);
    range("relaysMax", relaysMax, 1, 1 << 16);
    // Metadata must leave room in a packet for the message's fields, the rest of the record and
    // other updates; the exact fit of this member's own record is checked when it is published.
    Check.argument(
        metadataBytesMax <= packetBytesMax / 2,
        "metadataBytesMax: "
            + metadataBytesMax
            + " (expected: <= packetBytesMax / 2 = "
            + packetBytesMax / 2
            + ")");
  }

  /**
   * ppdb's defaults: memberlist's LAN defaults with a shorter probe interval and timeout (so that
   * the suspicion timeout, a multiple of the interval, is about 6 s at 1,000 members instead of 12
   * s) and one more gossip target per round (a join reaches 10,000 members in fewer rounds), and
   * with tombstones kept 10 minutes. First measurements with the in-module driver ({@code
   * DetectionFiguresTest}, 5% loss): every member knows of a crash in 8.5 s at p99 at 1,000 members
   * and 10.1 s at 10,000, against 17.2 s and 20.6 s with {@link #memberlistLan()}; no false deaths
   * with either; 1.2 to 1.7 times the bytes. These are starting points for the simulator's
   * measurements to confirm or change.
   */
  public static SwimConfig ppdbDefaults() {
    return memberlistLan().toBuilder()
        .probeIntervalNanos(500 * MS)
        .probeTimeoutNanos(250 * MS)
        .gossipNodes(4)
        .tombstoneReclaimNanos(600 * S)
        .build();
  }

  /**
   * hashicorp/memberlist's {@code DefaultLANConfig}: ProbeInterval 1 s, ProbeTimeout 500 ms,
   * IndirectChecks 3, SuspicionMult 4, SuspicionMaxTimeoutMult 6, AwarenessMaxMultiplier 8,
   * RetransmitMult 4, GossipInterval 200 ms, GossipNodes 3, GossipToTheDeadTime 30 s,
   * PushPullInterval 30 s, UDPBufferSize 1,400. memberlist forgets a dead member once its
   * gossip-to-the-dead time has passed, so the reclaim interval is 30 s too. The bounds memberlist
   * does not have (queue, members, relays, seeds) take ppdb's values.
   */
  public static SwimConfig memberlistLan() {
    return new SwimConfig(
        1 * S, // ProbeInterval
        500 * MS, // ProbeTimeout
        3, // IndirectChecks
        4, // SuspicionMult
        6, // SuspicionMaxTimeoutMult
        8, // AwarenessMaxMultiplier
        4, // RetransmitMult
        200 * MS, // GossipInterval
        3, // GossipNodes
        30 * S, // GossipToTheDeadTime
        30 * S, // PushPullInterval
        1400, // UDPBufferSize
        4096, 65_536, 512, // MetaMaxSize
        30 * S, 1 * S, 64, 256);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Number of live members at which the suspicion, retransmit and push-pull formulas are evaluated
   * is the core's estimate; these are the formulas, exposed for tests and the simulator's reports.
   *
   * <p>The minimum suspicion timeout: memberlist's {@code suspicionTimeout}, {@code suspicionMult *
   * max(1, log10(max(1, n))) * probeInterval}, with the log10 factor truncated to thousandths as
   * memberlist does.
   */
  public long suspicionMinNanos(int n) {
    double nodeScale = Math.max(1.0, Math.log10(Math.max(1.0, n)));
    return suspicionMult * (long) (nodeScale * 1000) * probeIntervalNanos / 1000;
  }

  /** The maximum suspicion timeout: {@code suspicionMaxTimeoutMult} times the minimum. */
  public long suspicionMaxNanos(int n) {
    return suspicionMaxTimeoutMult * suspicionMinNanos(n);
  }

  /**
   * Independent confirmations Lifeguard expects before a suspicion reaches its minimum timeout:
   * {@code suspicionMult - 2}, or 0 when the cluster is too small to provide them (memberlist).
   */
  public int suspicionConfirmationsExpected(int n) {
    int k = suspicionMult - 2;
    return n - 2 < k ? 0 : Math.max(0, k);
  }

  /** How many times an update is piggybacked: {@code retransmitMult * ceil(log10(n + 1))}. */
  public int retransmitLimit(int n) {
    int nodeScale = (int) Math.ceil(Math.log10(n + 1.0));
    return retransmitMult * Math.max(1, nodeScale);
  }

  /**
   * The push-pull interval at {@code n} members: memberlist's {@code pushPullScale}, unchanged up
   * to 32 members, then one more interval for every doubling ({@code ceil(log2(n) - log2(32)) + 1}
   * times the interval): about 10 times at 10,000 members.
   */
  public long pushPullIntervalNanos(int n) {
    if (n <= 32) {
      return pushPullIntervalNanos;
    }
    double multiplier = Math.ceil(Math.log(n) / Math.log(2) - 5.0) + 1.0;
    return (long) multiplier * pushPullIntervalNanos;
  }

  private static void positive(String name, long value) {
    Check.argument(value > 0, name + ": " + value + " (expected: > 0)");
  }

  private static void range(String name, int value, int min, int max) {
    Check.argument(
        value >= min && value <= max,
        name + ": " + value + " (expected: " + min + ".." + max + ")");
  }

  /** A mutable builder of {@link SwimConfig}; {@link #build()} validates. */
  public static final class Builder {
    private long probeIntervalNanos;
    private long probeTimeoutNanos;
    private int indirectChecks;
    private int suspicionMult;
    private int suspicionMaxTimeoutMult;
    private int awarenessMaxMultiplier;
    private int retransmitMult;
    private long gossipIntervalNanos;
    private int gossipNodes;
    private long gossipToTheDeadNanos;
    private long pushPullIntervalNanos;
    private int packetBytesMax;
    private int broadcastQueueMax;
    private int membersMax;
    private int metadataBytesMax;
    private long tombstoneReclaimNanos;
    private long joinRetryIntervalNanos;
    private int seedsMax;
    private int relaysMax;

    private Builder(SwimConfig c) {
      probeIntervalNanos = c.probeIntervalNanos;
      probeTimeoutNanos = c.probeTimeoutNanos;
      indirectChecks = c.indirectChecks;
      suspicionMult = c.suspicionMult;
      suspicionMaxTimeoutMult = c.suspicionMaxTimeoutMult;
      awarenessMaxMultiplier = c.awarenessMaxMultiplier;
      retransmitMult = c.retransmitMult;
      gossipIntervalNanos = c.gossipIntervalNanos;
      gossipNodes = c.gossipNodes;
      gossipToTheDeadNanos = c.gossipToTheDeadNanos;
      pushPullIntervalNanos = c.pushPullIntervalNanos;
      packetBytesMax = c.packetBytesMax;
      broadcastQueueMax = c.broadcastQueueMax;
      membersMax = c.membersMax;
      metadataBytesMax = c.metadataBytesMax;
      tombstoneReclaimNanos = c.tombstoneReclaimNanos;
      joinRetryIntervalNanos = c.joinRetryIntervalNanos;
      seedsMax = c.seedsMax;
      relaysMax = c.relaysMax;
    }

    public Builder probeIntervalNanos(long v) {
      probeIntervalNanos = v;
      return this;
    }

    public Builder probeTimeoutNanos(long v) {
      probeTimeoutNanos = v;
      return this;
    }

    public Builder indirectChecks(int v) {
      indirectChecks = v;
      return this;
    }

    public Builder suspicionMult(int v) {
      suspicionMult = v;
      return this;
    }

    public Builder suspicionMaxTimeoutMult(int v) {
      suspicionMaxTimeoutMult = v;
      return this;
    }

    public Builder awarenessMaxMultiplier(int v) {
      awarenessMaxMultiplier = v;
      return this;
    }

    public Builder retransmitMult(int v) {
      retransmitMult = v;
      return this;
    }

    public Builder gossipIntervalNanos(long v) {
      gossipIntervalNanos = v;
      return this;
    }

    public Builder gossipNodes(int v) {
      gossipNodes = v;
      return this;
    }

    public Builder gossipToTheDeadNanos(long v) {
      gossipToTheDeadNanos = v;
      return this;
    }

    public Builder pushPullIntervalNanos(long v) {
      pushPullIntervalNanos = v;
      return this;
    }

    public Builder packetBytesMax(int v) {
      packetBytesMax = v;
      return this;
    }

    public Builder broadcastQueueMax(int v) {
      broadcastQueueMax = v;
      return this;
    }

    public Builder membersMax(int v) {
      membersMax = v;
      return this;
    }

    public Builder metadataBytesMax(int v) {
      metadataBytesMax = v;
      return this;
    }

    public Builder tombstoneReclaimNanos(long v) {
      tombstoneReclaimNanos = v;
      return this;
    }

    public Builder joinRetryIntervalNanos(long v) {
      joinRetryIntervalNanos = v;
      return this;
    }

    public Builder seedsMax(int v) {
      seedsMax = v;
      return this;
    }

    public Builder relaysMax(int v) {
      relaysMax = v;
      return this;
    }

    public SwimConfig build() {
      return new SwimConfig(
          probeIntervalNanos,
          probeTimeoutNanos,
          indirectChecks,
          suspicionMult,
          suspicionMaxTimeoutMult,
          awarenessMaxMultiplier,
          retransmitMult,
          gossipIntervalNanos,
          gossipNodes,
          gossipToTheDeadNanos,
          pushPullIntervalNanos,
          packetBytesMax,
          broadcastQueueMax,
          membersMax,
          metadataBytesMax,
          tombstoneReclaimNanos,
          joinRetryIntervalNanos,
          seedsMax,
          relaysMax);
    }
  }
}
