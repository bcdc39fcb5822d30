package org.ppdb.gossip;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.ppdb.gossip.MembershipEvent.Kind;
import org.ppdb.gossip.SwimMessage.Ack;
import org.ppdb.gossip.SwimMessage.Gossip;
import org.ppdb.gossip.SwimMessage.Nack;
import org.ppdb.gossip.SwimMessage.Ping;
import org.ppdb.gossip.SwimMessage.PingReq;
import org.ppdb.gossip.SwimMessage.PushPull;

/**
 * One member's SWIM failure detector and membership, with the Lifeguard refinements, as a pure
 * state machine: no socket, thread, clock or randomness of its own.
 *
 * <h2>The protocol</h2>
 *
 * <p>SWIM [1] separates failure detection from dissemination. Every protocol period a member probes
 * one other member, chosen in randomized round-robin order (every member once per round, a fresh
 * shuffle per round, so the time to the first probe of a failed member is bounded): a direct {@link
 * Ping}, and if no {@link Ack} comes within the probe timeout, a {@link PingReq} through {@code k}
 * other members, which probe on its behalf and relay the ack (and a second direct ping, as
 * memberlist's fallback probe). A member that does not answer either way by the end of the period
 * becomes <i>suspect</i>, not dead: the suspicion is gossiped, and the suspected member, on hearing
 * it, refutes it by raising its <i>incarnation number</i> and gossiping itself alive; records about
 * a member are ordered by incarnation, then by status (alive &lt; suspect &lt; dead &lt; left), so
 * the refutation overrides the suspicion everywhere. If the suspicion is not refuted before it
 * times out, the member is declared dead. Membership updates travel piggybacked on probes and acks
 * and in gossip rounds to a few random members, each sent {@code retransmitMult * ceil(log10(n +
 * 1))} times, least sent first, within the packet budget; that infection-style dissemination
 * reaches all n members in O(log n) rounds with high probability [1, section 4.1]. Periodic
 * push-pull exchanges of the whole view (memberlist [3]) repair what gossip missed and give a
 * joining member the whole view at once; tried also with one member held dead (as Serf's reconnect
 * does), they heal partitions shorter than the tombstone reclaim interval.
 *
 * <p>Lifeguard [2] makes the detector robust to slow members, which in plain SWIM accuse healthy
 * members when they themselves cannot process acks in time. (a) <i>Local health awareness</i>: a
 * score raised when this member's probes fail without the nacks that the indirect probers promise
 * ({@link Nack}), or when it must refute a suspicion about itself, and lowered by each successful
 * direct probe; the probe interval and timeouts are multiplied by {@code score + 1}, up to {@link
 * SwimConfig#awarenessMaxMultiplier()}. (b) <i>Dynamic suspicion timeouts</i>: a suspicion starts
 * at the maximum timeout and shrinks toward the minimum ({@code suspicionMult * log10(n) *
 * interval}) as independent confirmations arrive (see {@link Suspicion}). (c) The <i>buddy
 * system</i>: a probe of a suspect member carries the suspicion first, so the member learns it at
 * once and refutes.
 *
 * <p>Beyond memberlist, two small additions, both for fewer false deaths and cheaper joins: (d) an
 * unconfirmed suspicion that falls due triggers one final direct and indirect probe that carries
 * the suspicion, and an ack to a probe carrying a stale suspicion carries the member's current
 * record (so an observer that missed a refutation learns it instead of declaring a live member
 * dead); (e) members learned from the answer to one's own join push-pull are not re-gossiped (they
 * are news to no one), which keeps a join into a large cluster from flooding it.
 *
 * <h2>Driving it</h2>
 *
 * <p>The host constructs one core per member, calls {@link #join} with seed addresses (none to
 * found a cluster), passes every received message to {@link #onMessage} with the sender's
 * advertised address and the current time, and calls {@link #onTick} no later than {@link
 * #nextDeadlineNanos()} (re-read it after every call; calling earlier or more often is harmless).
 * Outputs go to the {@link Outbox} given to each call: messages addressed to an {@link Address} the
 * host resolves, and {@link MembershipEvent}s. Time is any monotonic nanosecond clock the host
 * chooses (virtual under the simulator). Randomness comes only from the injected generator, and no
 * iteration order of a hash map decides an output, so a seed reproduces a run.
 *
 * <h2>Cost</h2>
 *
 * <p>Per known member: one reference to a shared immutable {@link Member} record in the probe-order
 * array and one or two {@code int}s of an open-addressing index (measured: about 20 bytes of heap
 * per observer-member pair with 2,000 and 5,000 cores in one JVM, {@code SwimScaleTest}), plus
 * small objects only while the member is suspect or a tombstone, or an update about it is queued.
 * Records received are stored as they are and shared with other cores, and a push-pull entry that
 * is the very record already held is skipped after one hash lookup. A tick is O(1) amortized (the
 * probe order is shuffled once per round of n probes), a packet costs a bounded walk of the
 * broadcast queue, and a push-pull exchange is O(n) once per (scaled) push-pull interval.
 *
 * <p>Not thread-safe: one thread (the host's actor for this member) makes every call.
 *
 * <h2>References</h2>
 *
 * <ol>
 *   <li>A. Das, I. Gupta, A. Motivala. SWIM: Scalable Weakly-consistent Infection-style Process
 *       Group Membership Protocol. DSN 2002.
 *   <li>A. Dadgar, J. Phillips, J. Currey. Lifeguard: Local Health Awareness for More Accurate
 *       Failure Detection. 2018 (arXiv:1707.00788).
 *   <li>hashicorp/memberlist: {@code state.go}, {@code suspicion.go}, {@code awareness.go}, {@code
 *       queue.go}, {@code util.go} and {@code config.go} (DefaultLANConfig).
 * </ol>
 */
public final class Swim {
  /** A deadline that never comes. */
  public static final long NEVER = Long.MAX_VALUE;

  /** Room kept for a list's element count in every packet. */
  private static final int LIST_COUNT_BYTES_MAX = 3;

  /** Initial capacity of the relay ring. */
  private static final int RELAYS_INITIAL = 4;

  /** Below this many records, random member choices scan the table instead of drawing slots. */
  private static final int SCAN_SELECTION_MAX = 64;

  private enum Phase {
    NEW,
    MEMBER,
    LEFT
  }

  private enum Purpose {
    INDIRECT_PROBE,
    GOSSIP,
    PUSH_PULL,
    RECONNECT
  }

  private static final class Tombstone {
    final MemberId id;
    final long sinceNanos;

    Tombstone(MemberId id, long sinceNanos) {
      this.id = id;
      this.sinceNanos = sinceNanos;
    }
  }

  private final SwimConfig config;
  private final RandomGenerator random;
  private final MemberTable table = new MemberTable();
  private final BroadcastQueue broadcasts;
  private final MembershipView view;

  /** Suspicions in the order they started, so that expiry order is deterministic. */
  private final LinkedHashMap<MemberId, Suspicion> suspicions = new LinkedHashMap<>();

  private long suspicionDeadlineMin = NEVER;

  /** The live tombstone of each dead or left member; the queue orders them by reclaim time. */
  private final HashMap<MemberId, Tombstone> tombstones = new HashMap<>();

  private final ArrayDeque<Tombstone> tombstoneOrder = new ArrayDeque<>();

  private Member self;
  private Phase phase = Phase.NEW;
  private int liveCount;
  private long nextSeq = 1;
  private int healthScore;

  private List<Address> seeds = List.of();
  private long joinRetryAt = NEVER;

  // The probe in progress (SWIM runs one at a time).
  private boolean probeActive;
  private boolean probeIndirect;
  private long probeSeq;
  private MemberId probeTarget;
  private long probeTargetIncarnation;
  private long probeAckDeadline;
  private long probePeriodEnd;
  private int probeNacksExpected;
  private int probeNacks;
  private long nextProbeAt = NEVER;
  private long nextGossipAt = NEVER;
  private long nextPushPullAt = NEVER;

  // Indirect probes relayed for others: a ring in order of deadline (all share one timeout).
  // Grown on demand up to relaysMax, so that an idle core costs a few bytes, not kilobytes.
  private long[] relaySeq;
  private long[] relayRequesterSeq;
  private Address[] relayRequester;
  private MemberId[] relayTarget;
  private long[] relayDeadline;
  private int relayHead;
  private int relayCount;

  private final ArrayList<Member> scratchUpdates = new ArrayList<>();
  private final int[] scratchSlots;

  private long droppedMessages;
  private long droppedMembers;

  /**
   * A core for the member described by {@code self} (status alive; its incarnation is where this
   * life starts: a restarted member may start from any value, as it refutes older records about
   * itself by raising it). {@code random} is used by this core only (fork one per core).
   */
  public Swim(SwimConfig config, Member self, RandomGenerator random) {
    this.config = Objects.requireNonNull(config, "config");
    this.random = Objects.requireNonNull(random, "random");
    Objects.requireNonNull(self, "self");
    Check.argument(
        self.status() == MemberStatus.ALIVE,
        "self.status: " + self.status() + " (expected: ALIVE)");
    checkOwnRecord(self);
    this.self = self;
    this.broadcasts = new BroadcastQueue(config.broadcastQueueMax());
    this.view = new MembershipView(this, table);
    table.add(self, random);
    liveCount = 1;
    int relays = Math.min(config.relaysMax(), RELAYS_INITIAL);
    relaySeq = new long[relays];
    relayRequesterSeq = new long[relays];
    relayRequester = new Address[relays];
    relayTarget = new MemberId[relays];
    relayDeadline = new long[relays];
    scratchSlots = new int[Math.max(config.gossipNodes(), Math.max(config.indirectChecks(), 1))];
  }

  // ---------------------------------------------------------------------------------------------
  // Host calls

  /**
   * Joins the cluster through {@code seeds} (or founds one when empty): starts probing and gossip,
   * queues this member's alive record, and sends a join push-pull to each seed; the replies bring
   * the whole view. While no other member is known, the seeds are tried again every {@link
   * SwimConfig#joinRetryIntervalNanos()}. Calling it again later adds an exchange with new seeds
   * (for instance addresses found by discovery).
   */
  public void join(List<Address> seeds, long nowNanos, Outbox out) {
    Objects.requireNonNull(seeds, "seeds");
    Objects.requireNonNull(out, "out");
    Check.state(phase != Phase.LEFT, "join: this member has left (expected: a new Swim to rejoin)");
    Check.argument(
        seeds.size() <= config.seedsMax(),
        "seeds: " + seeds.size() + " (expected: <= " + config.seedsMax() + ")");
    if (phase == Phase.NEW) {
      phase = Phase.MEMBER;
      // Random phases keep members that start together from probing and gossiping in lockstep.
      nextProbeAt = nowNanos + random.nextLong(config.probeIntervalNanos());
      nextGossipAt = nowNanos + random.nextLong(config.gossipIntervalNanos());
      nextPushPullAt =
          nowNanos
              + config.pushPullIntervalNanos(liveCount)
              + random.nextLong(config.pushPullIntervalNanos());
      broadcasts.offer(self);
    }
    List<Address> others = new ArrayList<>(seeds.size());
    for (Address seed : seeds) {
      if (!self.addresses().contains(Objects.requireNonNull(seed, "seed"))
          && !others.contains(seed)) {
        others.add(seed);
      }
    }
    this.seeds = List.copyOf(others);
    sendJoin(out);
    joinRetryAt = this.seeds.isEmpty() ? NEVER : nowNanos + config.joinRetryIntervalNanos();
  }

  /**
   * Leaves gracefully: this member's record becomes {@link MemberStatus#LEFT} at its current
   * incarnation and is gossiped at once; probing stops. Keep calling {@link #onTick} and {@link
   * #onMessage} until {@link #leaveDisseminated()} (or a time limit of the host's choosing) so that
   * the news spreads; then drop the core. A member that comes back uses a new core.
   */
  public void leave(long nowNanos, Outbox out) {
    Objects.requireNonNull(out, "out");
    if (phase == Phase.LEFT) {
      return;
    }
    boolean wasMember = phase == Phase.MEMBER;
    phase = Phase.LEFT;
    probeActive = false;
    joinRetryAt = NEVER;
    setSelf(self.withStatus(MemberStatus.LEFT, null));
    liveCount--;
    if (wasMember) {
      broadcasts.offer(self);
      gossipRound(nowNanos, out);
      nextGossipAt = nowNanos + config.gossipIntervalNanos();
    }
  }

  /**
   * Publishes new application metadata: raises this member's incarnation and metadata version and
   * gossips the new record. Its encoded record must fit a packet with room for a message's fields.
   */
  public void updateMetadata(byte[] metadata, long nowNanos, Outbox out) {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(out, "out");
    Check.state(phase != Phase.LEFT, "updateMetadata: this member has left");
    Check.argument(
        metadata.length <= config.metadataBytesMax(),
        "metadata: " + metadata.length + " bytes (expected: <= " + config.metadataBytesMax() + ")");
    Member updated =
        new Member(
            self.id(),
            self.addresses(),
            self.incarnation() + 1,
            MemberStatus.ALIVE,
            self.metadataVersion() + 1,
            metadata.clone(),
            null);
    checkOwnRecord(updated);
    setSelf(updated);
    if (phase == Phase.MEMBER) {
      broadcasts.offer(self);
    }
  }

  /**
   * Handles one message received from the member advertised at {@code from}. Malformed, stale,
   * duplicated, misdirected and reordered messages are tolerated: at worst they are dropped.
   */
  public void onMessage(Address from, SwimMessage message, long nowNanos, Outbox out) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(out, "out");
    if (phase == Phase.NEW) {
      // Not part of any cluster yet: answering would make others believe we are.
      droppedMessages++;
      return;
    }
    if (message instanceof Ping ping) {
      onPing(from, ping, nowNanos, out);
    } else if (message instanceof Ack ack) {
      onAck(ack, nowNanos, out);
    } else if (message instanceof PingReq req) {
      onPingReq(from, req, nowNanos, out);
    } else if (message instanceof Nack nack) {
      onNack(nack);
    } else if (message instanceof Gossip gossip) {
      mergeAll(gossip.updates(), nowNanos, out);
    } else if (message instanceof PushPull pushPull) {
      onPushPull(from, pushPull, nowNanos, out);
    }
  }

  /**
   * Runs the timers that are due at {@code nowNanos}: relayed probes that timed out (nacks), join
   * retries, the probe (ack timeout, indirect probes, suspicion of the target, the next probe),
   * suspicion expiry, tombstone reclaim, the gossip round and push-pull.
   */
  public void onTick(long nowNanos, Outbox out) {
    Objects.requireNonNull(out, "out");
    if (phase == Phase.NEW) {
      return;
    }
    tickRelays(nowNanos, out);
    tickJoin(nowNanos, out);
    tickProbe(nowNanos, out);
    tickSuspicions(nowNanos, out);
    tickReclaim(nowNanos);
    tickGossip(nowNanos, out);
    tickPushPull(nowNanos, out);
  }

  /**
   * The earliest time at which {@link #onTick} has work to do, or {@link #NEVER}. It may move
   * earlier after any call (a message can queue an update or start a suspicion), so re-read it.
   */
  public long nextDeadlineNanos() {
    if (phase == Phase.NEW) {
      return NEVER;
    }
    long d = NEVER;
    if (phase == Phase.MEMBER) {
      d =
          Math.min(
              d, probeActive ? (probeIndirect ? probePeriodEnd : probeAckDeadline) : nextProbeAt);
      d = Math.min(d, nextPushPullAt);
      d = Math.min(d, joinRetryAt);
    }
    if (!broadcasts.isEmpty()) {
      d = Math.min(d, nextGossipAt);
    }
    d = Math.min(d, suspicionDeadlineMin);
    if (relayCount > 0) {
      d = Math.min(d, relayDeadline[relayHead]);
    }
    Tombstone t = tombstoneOrder.peekFirst();
    if (t != null) {
      d = Math.min(d, t.sinceNanos + config.tombstoneReclaimNanos());
    }
    return d;
  }

  /** A live read-only view of the members this core knows. */
  public MembershipView view() {
    return view;
  }

  /** This member's current record. */
  public Member self() {
    return self;
  }

  /** The configuration. */
  public SwimConfig config() {
    return config;
  }

  /**
   * Lifeguard's local health score, 0 (healthy) to {@code awarenessMaxMultiplier - 1}; timeouts and
   * the probe interval are multiplied by {@code score + 1}.
   */
  public int localHealthScore() {
    return healthScore;
  }

  /** True after {@link #leave} once this member's left record was sent as often as gossip sends. */
  public boolean leaveDisseminated() {
    return phase == Phase.LEFT && !broadcasts.contains(self.id());
  }

  /** Number of updates waiting to be piggybacked. */
  public int pendingBroadcasts() {
    return broadcasts.size();
  }

  /** Messages dropped: received before join, misdirected, or beyond a bound. */
  public long droppedMessages() {
    return droppedMessages;
  }

  /** Records of new members dropped because {@link SwimConfig#membersMax()} was reached. */
  public long droppedMembers() {
    return droppedMembers;
  }

  /** Approximate bytes this core retains of its own (excluding records shared with other cores). */
  public long retainedBytesEstimate() {
    // Fixed part: this object, the queue, maps and deque when empty. Per entry: a queue entry and
    // its map node; a suspicion, its confirmers and linked map node; a tombstone, its map node and
    // deque slot; a relay slot across the five ring arrays.
    return 600
        + table.retainedBytes()
        + 80L * broadcasts.size()
        + 120L * suspicions.size()
        + 80L * tombstones.size()
        + 32L * relaySeq.length;
  }

  int liveCount() {
    return liveCount;
  }

  /**
   * Verifies the relationships between this core's structures, O(n): for tests and for hosts that
   * run with {@code -Dppdb.paranoid=true}. Throws {@link IllegalStateException} on a broken one.
   */
  public void checkInvariants() {
    int live = 0;
    boolean selfFound = false;
    for (int i = 0; i < table.size(); i++) {
      Member m = table.get(i);
      Check.state(table.find(m.id()) == i, "member index out of step");
      if (m.status().isLive()) {
        live++;
      }
      if (m == self) {
        selfFound = true;
      } else {
        Check.state(
            (m.status() == MemberStatus.SUSPECT) == suspicions.containsKey(m.id()),
            "suspicion timers out of step with statuses");
        Check.state(
            m.status().isLive() != tombstones.containsKey(m.id()),
            "tombstones out of step with statuses");
      }
    }
    Check.state(selfFound, "own record missing from the member table");
    Check.state(live == liveCount, "live count out of step");
    Check.state(suspicions.size() <= table.size(), "more suspicions than members");
    Check.state(tombstones.size() <= table.size(), "more tombstones than members");
    Check.state(table.size() <= config.membersMax(), "more members than membersMax");
    Check.state(broadcasts.size() <= config.broadcastQueueMax(), "broadcast queue over its bound");
    Check.state(relayCount <= config.relaysMax(), "relays over their bound");
    Check.state(
        healthScore >= 0 && healthScore < config.awarenessMaxMultiplier(),
        "health score out of range");
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  private void onPing(Address from, Ping ping, long now, Outbox out) {
    // Updates first: if the ping tells us we are suspected (buddy system), the refutation is queued
    // before the ack is filled, so the ack carries it.
    mergeAll(ping.updates(), now, out);
    if (!ping.target().equals(self.id())) {
      droppedMessages++;
      return;
    }
    // Completing the buddy system: if the prober holds a suspicion of us that we already refuted,
    // our current record goes first in the ack so that the prober learns the refutation now.
    Member first = null;
    for (int i = 0; i < ping.updates().size(); i++) {
      Member u = ping.updates().get(i);
      if (u.status() != MemberStatus.ALIVE && u.id().equals(self.id())) {
        first = self;
        break;
      }
    }
    int header = 1 + Encoding.varLongSize(ping.seq());
    out.send(from, new Ack(ping.seq(), piggyback(header, first)));
  }

  private void onPingReq(Address from, PingReq req, long now, Outbox out) {
    mergeAll(req.updates(), now, out);
    if (phase != Phase.MEMBER) {
      droppedMessages++;
      return;
    }
    if (req.target().equals(self.id())) {
      out.send(from, new Ack(req.seq(), piggyback(1 + Encoding.varLongSize(req.seq()), null)));
      return;
    }
    if (relayCount == relaySeq.length && !growRelays()) {
      droppedMessages++;
      return;
    }
    long seq = nextSeq++;
    int i = (relayHead + relayCount) % relaySeq.length;
    relaySeq[i] = seq;
    relayRequesterSeq[i] = req.seq();
    relayRequester[i] = from;
    relayTarget[i] = req.target();
    relayDeadline[i] = now + config.probeTimeoutNanos();
    relayCount++;
    int slot = table.find(req.target());
    int header = 1 + Encoding.varLongSize(seq) + req.target().encodedSizeBytes();
    out.send(
        req.targetAddress(),
        new Ping(seq, req.target(), piggyback(header, slot < 0 ? null : buddy(table.get(slot)))));
  }

  private void onAck(Ack ack, long now, Outbox out) {
    mergeAll(ack.updates(), now, out);
    if (probeActive && ack.seq() == probeSeq) {
      probeActive = false;
      if (!probeIndirect) {
        adjustHealth(-1);
      }
      return;
    }
    for (int k = 0; k < relayCount; k++) {
      int i = (relayHead + k) % relaySeq.length;
      if (relaySeq[i] == ack.seq() && relayRequester[i] != null) {
        long seq = relayRequesterSeq[i];
        // Our record of the target goes first: if the requester suspects a member that refuted,
        // the relayed ack carries the refutation. A record of ours that holds the target dead or
        // left is stale, since the target just answered (it restarted and has not yet heard of
        // its death): it must not go to the requester, who would declare a live member dead, but
        // to the target, which refutes it with a higher incarnation.
        int slot = table.find(relayTarget[i]);
        Member target = slot < 0 ? null : table.get(slot);
        if (target != null && !target.status().isLive()) {
          out.send(target.address(), new Gossip(List.of(target)));
          target = null;
        }
        out.send(relayRequester[i], new Ack(seq, piggyback(1 + Encoding.varLongSize(seq), target)));
        relayRequester[i] = null;
        relayTarget[i] = null;
        return;
      }
    }
  }

  private void onNack(Nack nack) {
    if (probeActive && probeIndirect && nack.seq() == probeSeq) {
      probeNacks++;
    }
  }

  private void onPushPull(Address from, PushPull pushPull, long now, Outbox out) {
    if (phase != Phase.MEMBER || pushPull.members().size() > config.membersMax()) {
      droppedMessages++;
      return;
    }
    if (!pushPull.reply()) {
      out.send(from, new PushPull(true, pushPull.join(), table.snapshot()));
    }
    // The answer to our own join holds what the cluster already knows: members new to us are not
    // news to anyone, so they are not gossiped again (a joiner would otherwise re-gossip the whole
    // view). Everything else learned by push-pull is, as in memberlist.
    boolean quiet = pushPull.reply() && pushPull.join();
    List<Member> members = pushPull.members();
    for (int i = 0; i < members.size(); i++) {
      mergeRemoteState(members.get(i), quiet, now, out);
    }
    if (quiet) {
      // Now that the cluster's size is known, place the next exchange at a random point of the
      // interval for that size, so that members that joined together do not exchange together.
      long interval = config.pushPullIntervalNanos(liveCount);
      nextPushPullAt = now + interval / 2 + random.nextLong(interval);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Merging records

  private void mergeAll(List<Member> updates, long now, Outbox out) {
    for (int i = 0; i < updates.size(); i++) {
      merge(updates.get(i), false, now, out);
    }
  }

  /**
   * A push-pull entry. As in memberlist, a remote "dead" about a member we hold live is taken as a
   * suspicion, giving the member the chance to refute that the remote side's own timer gave it.
   */
  private void mergeRemoteState(Member remote, boolean quiet, long now, Outbox out) {
    if (remote.status() == MemberStatus.DEAD && !remote.id().equals(self.id())) {
      int slot = table.find(remote.id());
      if (slot < 0) {
        return;
      }
      Member current = table.get(slot);
      if (current == remote) {
        return;
      }
      if (current.status().isLive()) {
        if (Member.overrides(remote.incarnation(), MemberStatus.SUSPECT, current)
            || (current.status() == MemberStatus.SUSPECT
                && current.incarnation() == remote.incarnation())) {
          merge(remote.withStatus(MemberStatus.SUSPECT, remote.reporter()), false, now, out);
        }
        return;
      }
    }
    merge(remote, quiet, now, out);
  }

  /**
   * Applies one record learned from another member; {@code quiet} keeps a member new to us out of
   * the broadcast queue.
   */
  private void merge(Member update, boolean quiet, long now, Outbox out) {
    if (update.id().equals(self.id())) {
      onRecordAboutSelf(update, now, out);
      return;
    }
    int slot = table.find(update.id());
    if (slot < 0) {
      // A tombstone of a member we never knew tells us nothing we need.
      if (update.status().isLive()) {
        insert(update, quiet, now, out);
      }
      return;
    }
    Member current = table.get(slot);
    if (current == update) {
      return;
    }
    if (update.overrides(current)) {
      replace(slot, current, update, now, out);
    } else if (update.status() == MemberStatus.SUSPECT
        && current.status() == MemberStatus.SUSPECT
        && update.incarnation() == current.incarnation()) {
      Suspicion s = suspicions.get(update.id());
      if (s != null && s.confirm(update.reporter())) {
        suspicionDeadlineMin = Math.min(suspicionDeadlineMin, s.deadlineNanos());
        // Pass the confirmation on so that others shorten their timers too (memberlist does).
        broadcasts.offer(update);
      }
    } else if (update.status() == MemberStatus.ALIVE
        && !current.status().isLive()
        && update.incarnation() <= current.incarnation()
        && tombstones.containsKey(update.id())
        && phase == Phase.MEMBER) {
      // A member that restarted at or below the incarnation of its tombstone (ours was kept, others
      // may have reclaimed theirs; a member that died at incarnation 0 restarts at that very
      // incarnation, where dead beats alive) would stay dead to us until a push-pull told it, and
      // members that hold it alive meanwhile would declare it dead when the tombstone reaches
      // them. Tell it now, once per record heard; if it really is gone, the message is lost and
      // nothing else happens.
      out.send(update.address(), new Gossip(List.of(current)));
    }
  }

  private void onRecordAboutSelf(Member update, long now, Outbox out) {
    if (phase != Phase.MEMBER || update.incarnation() < self.incarnation() || update.equals(self)) {
      return;
    }
    // Any other record at our incarnation or above contradicts us (a suspicion, a death, a record
    // of a previous life): refute it with a higher incarnation.
    if (update.status() == MemberStatus.SUSPECT || update.status() == MemberStatus.DEAD) {
      // Lifeguard: being suspected is evidence that we were slow to answer. (A left record of a
      // previous life, met when rejoining, is not.)
      adjustHealth(1);
    }
    long incarnation = Math.max(update.incarnation(), self.incarnation()) + 1;
    setSelf(
        new Member(
            self.id(),
            self.addresses(),
            incarnation,
            MemberStatus.ALIVE,
            self.metadataVersion(),
            self.metadata(),
            null));
    broadcasts.offer(self);
  }

  private void insert(Member member, boolean quiet, long now, Outbox out) {
    if (table.size() >= config.membersMax()) {
      droppedMembers++;
      return;
    }
    table.add(member, random);
    liveCount++;
    out.event(new MembershipEvent(Kind.JOINED, member));
    if (member.status() == MemberStatus.SUSPECT) {
      startSuspicion(member, now);
      out.event(new MembershipEvent(Kind.SUSPECTED, member));
    }
    if (!quiet) {
      broadcasts.offer(member);
    }
  }

  private void replace(int slot, Member old, Member member, long now, Outbox out) {
    table.set(slot, member);
    MemberStatus was = old.status();
    MemberStatus is = member.status();
    if (was.isLive() != is.isLive()) {
      liveCount += is.isLive() ? 1 : -1;
    }
    if (is == MemberStatus.SUSPECT) {
      if (was != MemberStatus.SUSPECT || old.incarnation() != member.incarnation()) {
        startSuspicion(member, now);
      }
    } else if (was == MemberStatus.SUSPECT) {
      suspicions.remove(member.id());
    }
    if (!is.isLive()) {
      Tombstone t = new Tombstone(member.id(), now);
      tombstones.put(member.id(), t);
      tombstoneOrder.addLast(t);
    } else if (!was.isLive()) {
      tombstones.remove(member.id());
    }
    boolean newMetadata =
        old.metadataVersion() != member.metadataVersion()
            || !old.addresses().equals(member.addresses());
    if (is.isLive() && !was.isLive()) {
      out.event(new MembershipEvent(Kind.JOINED, member));
      if (is == MemberStatus.SUSPECT) {
        out.event(new MembershipEvent(Kind.SUSPECTED, member));
      }
    } else if (is.isLive()) {
      if (newMetadata) {
        out.event(new MembershipEvent(Kind.METADATA_UPDATED, member));
      }
      if (was == MemberStatus.ALIVE && is == MemberStatus.SUSPECT) {
        out.event(new MembershipEvent(Kind.SUSPECTED, member));
      } else if (was == MemberStatus.SUSPECT && is == MemberStatus.ALIVE) {
        out.event(new MembershipEvent(Kind.ALIVE_AGAIN, member));
      }
    } else if (is == MemberStatus.DEAD && was.isLive()) {
      out.event(new MembershipEvent(Kind.DEAD, member));
    } else if (is == MemberStatus.LEFT && was != MemberStatus.LEFT) {
      out.event(new MembershipEvent(Kind.LEFT, member));
    }
    broadcasts.offer(member);
  }

  private void startSuspicion(Member member, long now) {
    int n = liveCount;
    Suspicion s =
        new Suspicion(
            member.incarnation(),
            member.reporter(),
            config.suspicionConfirmationsExpected(n),
            config.suspicionMinNanos(n),
            config.suspicionMaxNanos(n),
            now);
    suspicions.remove(member.id());
    suspicions.put(member.id(), s);
    suspicionDeadlineMin = Math.min(suspicionDeadlineMin, s.deadlineNanos());
  }

  private void setSelf(Member updated) {
    int slot = table.find(updated.id());
    Check.state(slot >= 0, "own record missing from the member table");
    table.set(slot, updated);
    self = updated;
  }

  private void checkOwnRecord(Member record) {
    int bytes = SwimConfig.PACKET_HEADER_BYTES_MAX + record.encodedSizeBytes();
    Check.argument(
        bytes <= config.packetBytesMax(),
        "self: record of "
            + record.encodedSizeBytes()
            + " bytes (expected: <= packetBytesMax - "
            + SwimConfig.PACKET_HEADER_BYTES_MAX
            + " = "
            + (config.packetBytesMax() - SwimConfig.PACKET_HEADER_BYTES_MAX)
            + ")");
  }

  // ---------------------------------------------------------------------------------------------
  // Timers

  private void tickRelays(long now, Outbox out) {
    while (relayCount > 0 && relayDeadline[relayHead] <= now) {
      Address requester = relayRequester[relayHead];
      if (requester != null) {
        // The target did not answer us in time; tell the requester we, at least, are reachable.
        out.send(requester, new Nack(relayRequesterSeq[relayHead]));
        relayRequester[relayHead] = null;
        relayTarget[relayHead] = null;
      }
      relayHead = (relayHead + 1) % relaySeq.length;
      relayCount--;
    }
  }

  /** Doubles the relay ring, up to relaysMax; false if it is at the bound. */
  private boolean growRelays() {
    int n = relaySeq.length;
    if (n >= config.relaysMax()) {
      return false;
    }
    int m = Math.min(config.relaysMax(), n * 2);
    long[] seq = new long[m];
    long[] requesterSeq = new long[m];
    Address[] requester = new Address[m];
    MemberId[] target = new MemberId[m];
    long[] deadline = new long[m];
    for (int k = 0; k < relayCount; k++) {
      int i = (relayHead + k) % n;
      seq[k] = relaySeq[i];
      requesterSeq[k] = relayRequesterSeq[i];
      requester[k] = relayRequester[i];
      target[k] = relayTarget[i];
      deadline[k] = relayDeadline[i];
    }
    relaySeq = seq;
    relayRequesterSeq = requesterSeq;
    relayRequester = requester;
    relayTarget = target;
    relayDeadline = deadline;
    relayHead = 0;
    return true;
  }

  private void tickJoin(long now, Outbox out) {
    if (phase != Phase.MEMBER || now < joinRetryAt) {
      return;
    }
    if (liveCount > 1) {
      joinRetryAt = NEVER;
      return;
    }
    sendJoin(out);
    joinRetryAt = now + config.joinRetryIntervalNanos();
  }

  private void sendJoin(Outbox out) {
    if (seeds.isEmpty()) {
      return;
    }
    List<Member> state = table.snapshot();
    for (Address seed : seeds) {
      out.send(seed, new PushPull(false, true, state));
    }
  }

  private void tickProbe(long now, Outbox out) {
    if (phase != Phase.MEMBER) {
      return;
    }
    if (probeActive && !probeIndirect && now >= probeAckDeadline) {
      sendIndirectProbes(now, out);
    }
    if (probeActive && now >= probePeriodEnd) {
      probeFailed(now, out);
    }
    if (!probeActive && now >= nextProbeAt) {
      startProbe(now, out);
    }
  }

  private void startProbe(long now, Outbox out) {
    int slot = nextProbeTarget();
    if (slot < 0) {
      nextProbeAt = now + scaled(config.probeIntervalNanos());
      return;
    }
    Member target = table.get(slot);
    probeActive = true;
    probeIndirect = false;
    probeSeq = nextSeq++;
    probeTarget = target.id();
    probeTargetIncarnation = target.incarnation();
    probeNacks = 0;
    probeNacksExpected = 0;
    probeAckDeadline = now + scaled(config.probeTimeoutNanos());
    probePeriodEnd = now + scaled(config.probeIntervalNanos());
    nextProbeAt = probePeriodEnd;
    int header = 1 + Encoding.varLongSize(probeSeq) + target.id().encodedSizeBytes();
    out.send(target.address(), new Ping(probeSeq, target.id(), piggyback(header, buddy(target))));
  }

  /** The next live member in the round-robin order, starting a reshuffled round when one ends. */
  private int nextProbeTarget() {
    for (int steps = 0; steps <= table.size(); steps++) {
      if (table.probeIndex >= table.size()) {
        table.shuffle(random);
      }
      int slot = table.probeIndex++;
      Member m = table.get(slot);
      if (m != self && m.status().isLive()) {
        return slot;
      }
    }
    return -1;
  }

  private void sendIndirectProbes(long now, Outbox out) {
    probeIndirect = true;
    // The indirect phase always gets its full time, even when this tick came late (a starved
    // member must not suspect others for its own slowness).
    long window = scaled(config.probeIntervalNanos() - config.probeTimeoutNanos());
    probePeriodEnd = Math.max(probePeriodEnd, now + window);
    nextProbeAt = Math.max(nextProbeAt, probePeriodEnd);
    int slot = table.find(probeTarget);
    if (slot < 0) {
      return;
    }
    Member target = table.get(slot);
    int count = randomMembers(config.indirectChecks(), probeTarget, Purpose.INDIRECT_PROBE, now);
    int header =
        1
            + Encoding.varLongSize(probeSeq)
            + target.id().encodedSizeBytes()
            + target.address().encodedSizeBytes();
    for (int i = 0; i < count; i++) {
      Member via = table.get(scratchSlots[i]);
      out.send(
          via.address(),
          new PingReq(probeSeq, target.id(), target.address(), piggyback(header, null)));
    }
    probeNacksExpected = count;
    // A second direct ping, the datagram counterpart of memberlist's TCP fallback ping (on by
    // default there): one lost packet on the direct path no longer starts a suspicion, which under
    // loss is what most suspicions, and the gossip they cost the whole cluster, come from.
    int pingHeader = 1 + Encoding.varLongSize(probeSeq) + target.id().encodedSizeBytes();
    out.send(
        target.address(), new Ping(probeSeq, target.id(), piggyback(pingHeader, buddy(target))));
  }

  private void probeFailed(long now, Outbox out) {
    probeActive = false;
    // Lifeguard: the nacks an indirect prober owes us arrive unless we are the slow one; each
    // missing nack is a point against our own health (a failed probe without helpers, one point).
    adjustHealth(probeNacksExpected > 0 ? probeNacksExpected - probeNacks : 1);
    int slot = table.find(probeTarget);
    if (slot < 0) {
      return;
    }
    Member current = table.get(slot);
    if (!current.status().isLive() || current.incarnation() != probeTargetIncarnation) {
      return;
    }
    // Alive: a new suspicion. Already suspect: our own confirmation of it.
    merge(current.withStatus(MemberStatus.SUSPECT, self.id()), false, now, out);
  }

  private void tickSuspicions(long now, Outbox out) {
    if (now < suspicionDeadlineMin) {
      return;
    }
    long min = NEVER;
    List<MemberId> expired = null;
    for (Iterator<Map.Entry<MemberId, Suspicion>> it = suspicions.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<MemberId, Suspicion> e = it.next();
      Suspicion s = e.getValue();
      if (s.deadlineNanos() <= now && phase == Phase.MEMBER && s.takeFinalCheck()) {
        finalCheck(e.getKey(), s, now, out);
      }
      long deadline = s.deadlineNanos();
      if (deadline <= now) {
        if (expired == null) {
          expired = new ArrayList<>();
        }
        expired.add(e.getKey());
      } else {
        min = Math.min(min, deadline);
      }
    }
    suspicionDeadlineMin = min;
    if (expired == null) {
      return;
    }
    for (MemberId id : expired) {
      Suspicion s = suspicions.remove(id);
      int slot = table.find(id);
      if (slot < 0) {
        continue;
      }
      Member current = table.get(slot);
      if (current.status() == MemberStatus.SUSPECT && current.incarnation() == s.incarnation) {
        replace(slot, current, current.withStatus(MemberStatus.DEAD, self.id()), now, out);
      }
    }
  }

  /**
   * One more probe, direct and indirect, of a member whose suspicion is due although no one
   * confirmed it. An unconfirmed suspicion is the signature of a refutation this member missed (the
   * rest of the cluster heard it, so no one confirms); the probe carries the suspicion, and the
   * acks carry the suspect's current record back (see {@link #onPing} and {@link #onAck}). It costs
   * one probe per unconfirmed expiry and delays such a death by one probe interval.
   */
  private void finalCheck(MemberId id, Suspicion s, long now, Outbox out) {
    int slot = table.find(id);
    if (slot < 0) {
      return;
    }
    Member target = table.get(slot);
    s.extendTo(now + scaled(config.probeIntervalNanos()));
    long seq = nextSeq++;
    int header = 1 + Encoding.varLongSize(seq) + id.encodedSizeBytes();
    out.send(target.address(), new Ping(seq, id, piggyback(header, buddy(target))));
    int count = randomMembers(config.indirectChecks(), id, Purpose.INDIRECT_PROBE, now);
    int reqHeader = header + target.address().encodedSizeBytes();
    for (int i = 0; i < count; i++) {
      Member via = table.get(scratchSlots[i]);
      out.send(via.address(), new PingReq(seq, id, target.address(), piggyback(reqHeader, null)));
    }
  }

  private void tickReclaim(long now) {
    Tombstone t;
    while ((t = tombstoneOrder.peekFirst()) != null
        && t.sinceNanos + config.tombstoneReclaimNanos() <= now) {
      tombstoneOrder.pollFirst();
      if (tombstones.get(t.id) != t) {
        continue; // The member came back or died again since; a later entry stands for it.
      }
      tombstones.remove(t.id);
      int slot = table.find(t.id);
      if (slot >= 0 && !table.get(slot).status().isLive() && table.get(slot) != self) {
        table.remove(slot);
        broadcasts.remove(t.id);
      }
    }
  }

  private void tickGossip(long now, Outbox out) {
    if (now < nextGossipAt) {
      return;
    }
    long next = nextGossipAt + config.gossipIntervalNanos();
    nextGossipAt = next > now ? next : now + config.gossipIntervalNanos();
    gossipRound(now, out);
  }

  private void gossipRound(long now, Outbox out) {
    if (broadcasts.isEmpty()) {
      return;
    }
    int count = randomMembers(config.gossipNodes(), null, Purpose.GOSSIP, now);
    for (int i = 0; i < count; i++) {
      Member to = table.get(scratchSlots[i]);
      List<Member> updates = piggyback(1, null);
      if (updates.isEmpty()) {
        return;
      }
      out.send(to.address(), new Gossip(updates));
    }
  }

  private void tickPushPull(long now, Outbox out) {
    if (phase != Phase.MEMBER || now < nextPushPullAt) {
      return;
    }
    nextPushPullAt = now + config.pushPullIntervalNanos(liveCount);
    List<Member> state = null;
    if (randomMembers(1, null, Purpose.PUSH_PULL, now) == 1) {
      state = table.snapshot();
      out.send(table.get(scratchSlots[0]).address(), new PushPull(false, false, state));
    }
    // Also try one member we hold dead, as Serf's reconnect does: after a partition each side holds
    // the other dead and would never speak to it again. If it answers, both sides learn that they
    // were declared dead, refute, and the next exchanges carry the refutations across. A member
    // that
    // really is dead costs one lost message per interval until its tombstone is reclaimed; after
    // that, only the host's discovery (a new join) reconnects.
    if (randomMembers(1, null, Purpose.RECONNECT, now) == 1) {
      out.send(
          table.get(scratchSlots[0]).address(),
          new PushPull(false, false, state != null ? state : table.snapshot()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** The record to put first in a probe of {@code target}: its suspicion, if it is suspect. */
  private static Member buddy(Member target) {
    return target.status() == MemberStatus.SUSPECT ? target : null;
  }

  /**
   * Updates for a packet whose own fields take {@code headerBytes}: {@code first} if not null, then
   * the least sent queued updates that fit.
   */
  private List<Member> piggyback(int headerBytes, Member first) {
    ArrayList<Member> updates = scratchUpdates;
    updates.clear();
    int budget = config.packetBytesMax() - headerBytes - LIST_COUNT_BYTES_MAX;
    if (first != null) {
      updates.add(first);
      budget -= first.encodedSizeBytes();
    }
    if (!broadcasts.isEmpty() && budget > 0) {
      broadcasts.select(budget, config.retransmitLimit(liveCount), updates);
      if (first != null) {
        // The queue may hold the very record that goes first; send it once.
        for (int i = updates.size() - 1; i >= 1; i--) {
          if (updates.get(i) == first) {
            updates.remove(i);
          }
        }
      }
    }
    if (updates.isEmpty()) {
      return List.of();
    }
    List<Member> copy = List.copyOf(updates);
    updates.clear();
    return copy;
  }

  /**
   * Chooses up to {@code want} distinct random members for {@code purpose} into {@link
   * #scratchSlots}, never this member nor {@code exclude}; returns how many. Small tables are
   * scanned from a random start; large ones are sampled with a bounded number of draws, so the cost
   * is O(1).
   */
  private int randomMembers(int want, MemberId exclude, Purpose purpose, long now) {
    want = Math.min(want, scratchSlots.length);
    int size = table.size();
    if (want <= 0 || size <= 1) {
      return 0;
    }
    int found = 0;
    if (size <= SCAN_SELECTION_MAX) {
      // A random subset: reservoir sampling over one pass from a random start.
      int seen = 0;
      int start = random.nextInt(size);
      for (int k = 0; k < size; k++) {
        int slot = (start + k) % size;
        if (!eligible(table.get(slot), exclude, purpose, now)) {
          continue;
        }
        if (found < want) {
          scratchSlots[found++] = slot;
        } else {
          int r = random.nextInt(seen + 1);
          if (r < want) {
            scratchSlots[r] = slot;
          }
        }
        seen++;
      }
      return found;
    }
    int draws = want * 8 + 8;
    for (int d = 0; d < draws && found < want; d++) {
      int slot = random.nextInt(size);
      if (!eligible(table.get(slot), exclude, purpose, now)
          || contains(scratchSlots, found, slot)) {
        continue;
      }
      scratchSlots[found++] = slot;
    }
    return found;
  }

  private boolean eligible(Member m, MemberId exclude, Purpose purpose, long now) {
    if (m == self || (exclude != null && m.id().equals(exclude))) {
      return false;
    }
    switch (purpose) {
      case INDIRECT_PROBE:
      case PUSH_PULL:
        return m.status() == MemberStatus.ALIVE;
      case RECONNECT:
        return m.status() == MemberStatus.DEAD;
      case GOSSIP:
      default:
        if (m.status().isLive()) {
          return true;
        }
        // Gossip to the recently dead, so that a member declared dead by mistake hears it and
        // refutes (memberlist's GossipToTheDeadTime).
        Tombstone t = tombstones.get(m.id());
        return t != null && now - t.sinceNanos <= config.gossipToTheDeadNanos();
    }
  }

  private static boolean contains(int[] values, int count, int value) {
    for (int i = 0; i < count; i++) {
      if (values[i] == value) {
        return true;
      }
    }
    return false;
  }

  private void adjustHealth(int delta) {
    healthScore = Math.max(0, Math.min(config.awarenessMaxMultiplier() - 1, healthScore + delta));
  }

  private long scaled(long nanos) {
    return nanos * (healthScore + 1);
  }

  @Override
  public String toString() {
    return "Swim{" + self + ", members=" + table.size() + ", live=" + liveCount + "}";
  }
}
