package org.ppdb.peer.replication;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.KeyValueException;
import org.ppdb.peer.api.OverloadedException;
import org.ppdb.peer.api.ReplicasUnavailableException;
import org.ppdb.peer.api.RequestTimeoutException;
import org.ppdb.peer.api.ScanPage;
import org.ppdb.peer.api.StoredValue;
import org.ppdb.peer.api.VersionRejectedException;
import org.ppdb.peer.clock.HlcTimestamp;
import org.ppdb.peer.clock.HybridClock;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.ring.KeyHash;
import org.ppdb.peer.ring.RingMetadata;
import org.ppdb.peer.ring.TokenRange;
import org.ppdb.peer.ring.TokenRing;

/**
 * A peer's data path as a state machine: it coordinates client requests across a key's replicas,
 * serves the requests of other coordinators from the local {@link ReplicaStore}, and brings a new
 * peer onto the ring by streaming its ranges. Like the gossip and DHT cores it owns no thread,
 * socket or clock: {@link org.ppdb.peer.node.NodeCore} feeds it membership, messages and ticks on
 * the node's thread, and it answers through a {@link DataOutput} and the futures it returns, which
 * complete on that thread.
 *
 * <h2>Placement</h2>
 *
 * Every member publishes T tokens and a state in its gossip metadata ({@link RingMetadata}). The
 * <em>read ring</em> is made of the members in state NORMAL: a key's natural replicas are the next
 * N distinct of them clockwise from its hash (Dynamo's preference list, DeCandia et al. 2007,
 * section 4.3). Members stay on the ring while gossip holds them dead or left: a dead replica costs
 * availability, not placement, so a crash moves no data and a restart with the same id takes back
 * the same ranges (tokens derive from the id). Re-replication away from members gone for good is
 * later work (ROADMAP, "Self-healing data").
 *
 * <h2>Writes</h2>
 *
 * A write gets a version from the hybrid logical clock and goes to the key's natural replicas plus,
 * Cassandra-style, its <em>pending</em> replicas: a JOINING member that will own the key, and for
 * {@link DataConfig#ringChangeGraceNanos()} after the serving set changed, the replicas of the
 * previous ring. The coordinator waits for {@code W + pending} acknowledgements (W from the
 * consistency level over the natural replicas), so a quorum read on either ring still intersects
 * every acknowledged write while peers learn of the change at different times. Too few reachable
 * targets fail the write at once ({@link ReplicasUnavailableException}: nothing was sent); a
 * deadline or replica errors end it as indeterminate ({@link RequestTimeoutException}): it may or
 * may not have been applied, and must never be reported as not written.
 *
 * <h2>Reads and read repair</h2>
 *
 * A read asks R reachable natural replicas (the local one first, then alive before suspect), takes
 * the newest record ({@link ReplicaRecord#newer}), and writes that record back to each asked
 * replica that answered with an older one or none (read repair, fire and forget). An error from a
 * replica makes the coordinator ask the next replica, if there is one.
 *
 * <h2>Joining</h2>
 *
 * A peer that has never served reads starts JOINING and listens to gossip for {@link
 * DataConfig#bootstrapSettleNanos()}. If no member serves yet it founds the ring; otherwise it
 * computes the ranges it will own, and for each range streams the records from the replica that
 * will lose it (Cassandra's consistent range movement, which keeps quorum intersection), or another
 * of the current replicas when that one is unreachable. Meanwhile writes reach it as a pending
 * replica. When every range is streamed it turns NORMAL and serves reads.
 *
 * <h2>Limits</h2>
 *
 * Requests coordinated at once, messages awaiting each peer, and replica operations in the local
 * store are bounded ({@link DataConfig}); past a bound a request is refused as overloaded, and a
 * peer with too many messages in flight is treated as not answering.
 *
 * <p>Threading: not thread-safe; the node's thread makes every call.
 */
public final class ReplicationCore {
  /** Delay before retrying ranges whose stream failed on every candidate. */
  static final long STREAM_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final DataConfig config;
  private final NodeId self;
  private final InetSocketAddress selfAddress;
  private final ReplicaStore store;
  private final HybridClock clock;
  private final LongSupplier epochMillis;
  private final DataOutput output;
  private final long[] tokens;

  /** Status of a member known only from the saved ring or no longer in gossip's view. */
  static final String STATUS_UNKNOWN = "unknown";

  private final boolean hasSeeds;
  private boolean waitingLogged;
  private boolean ringSynced;
  private boolean ringSyncInFlight;
  private RingMetadata.State state;
  private Map<NodeId, RingMember> members = new TreeMap<>();
  private Map<NodeId, long[]> normalTokens = new TreeMap<>();
  private Map<NodeId, long[]> fullTokens = new TreeMap<>();
  private TokenRing<NodeId> readRing = TokenRing.<NodeId>of(new TreeMap<NodeId, long[]>(), 1);
  private TokenRing<NodeId> fullRing = readRing;
  private TokenRing<NodeId> previousRing;
  private long previousRingUntil;
  // Written on the node's thread, read by client threads (LocalPath): a new instance on every
  // change of an input, never mutated.
  private volatile LocalPlacement placement;

  private final Map<Long, Pending> pending = new HashMap<>();

  /** A time at which a request is due: its deadline, or a read's speculative retry. */
  private record Due(long atNanos, long requestId, boolean speculative) {}

  private final DueQueue<Due> deadlines = new DueQueue<>(Due::atNanos, Due::requestId);
  private final Map<InetSocketAddress, Integer> inFlightByPeer = new HashMap<>();
  private long nextRequestId = 1;
  private int replicaInFlight;
  private long now;
  private boolean started;

  private long settleUntil = Long.MAX_VALUE;
  private Bootstrap bootstrap;

  private final Counters counters = new Counters();

  /**
   * @param config data-path settings
   * @param self this peer's id; its tokens derive from it
   * @param selfAddress this peer's advertised transport address
   * @param store the local replica
   * @param physicalMillis this peer's wall clock (the simulator's skewed clock under test): the
   *     hybrid clock's physical source and the expiry clock of reads
   * @param joinedBefore whether this peer served reads before (its data directory says so): it
   *     starts NORMAL instead of bootstrapping
   * @param output where messages and ring changes go
   */
  public ReplicationCore(
      DataConfig config,
      NodeId self,
      InetSocketAddress selfAddress,
      ReplicaStore store,
      LongSupplier physicalMillis,
      boolean joinedBefore,
      DataOutput output) {
    this(config, self, selfAddress, store, physicalMillis, joinedBefore, List.of(), false, output);
  }

  /**
   * @param savedRing the members with a ring place as {@link DataOutput#saveRing} last saved them
   *     (their status is ignored: they count as unreachable until gossip says otherwise)
   * @param hasSeeds whether this peer was given seeds: a new peer with seeds never founds a ring
   *     alone, it waits until it hears from other members
   */
  public ReplicationCore(
      DataConfig config,
      NodeId self,
      InetSocketAddress selfAddress,
      ReplicaStore store,
      LongSupplier physicalMillis,
      boolean joinedBefore,
      List<RingMember> savedRing,
      boolean hasSeeds,
      DataOutput output) {
    this.hasSeeds = hasSeeds;
    for (RingMember saved : savedRing) {
      if (!saved.id().equals(self) && saved.ring() != null) {
        members.put(
            saved.id(), new RingMember(saved.id(), saved.address(), STATUS_UNKNOWN, saved.ring()));
      }
    }
    this.config = Objects.requireNonNull(config, "config");
    this.self = Objects.requireNonNull(self, "self");
    this.selfAddress = Objects.requireNonNull(selfAddress, "selfAddress");
    this.store = Objects.requireNonNull(store, "store");
    this.epochMillis = Objects.requireNonNull(physicalMillis, "physicalMillis");
    this.output = Objects.requireNonNull(output, "output");
    this.clock =
        new HybridClock(
            physicalMillis, HlcTimestamp.writerTag(self.toBytes()), config.skewWarningMillis());
    this.tokens = KeyHash.tokensFor(self.toBytes(), config.tokensPerMember());
    this.state = joinedBefore ? RingMetadata.State.NORMAL : RingMetadata.State.JOINING;
  }

  /** Publishes this peer's ring place and, if new, starts listening before bootstrap. */
  public void start(long nowNanos) {
    if (started) {
      throw new IllegalStateException("start: already started");
    }
    started = true;
    now = nowNanos;
    output.publishRing(metadata());
    if (state == RingMetadata.State.JOINING) {
      settleUntil = nowNanos + config.bootstrapSettleNanos();
      output.dataProgress(
          "ring: new peer, listening to gossip for "
              + TimeUnit.NANOSECONDS.toMillis(config.bootstrapSettleNanos())
              + " ms before joining the ring");
    } else {
      output.dataProgress("ring: serving (joined before), " + tokens.length + " tokens");
    }
    rebuildRing();
  }

  /** This peer's ring metadata as published. */
  public RingMetadata metadata() {
    return new RingMetadata(state, config.clientPort(), tokens);
  }

  // ---------------------------------------------------------------------------------------------
  // Membership

  /** The membership changed (any gossip event): rebuilds the rings if placement changed. */
  public void onMembers(List<RingMember> current, long nowNanos) {
    now = nowNanos;
    Map<NodeId, RingMember> byId = new TreeMap<>();
    for (RingMember member : current) {
      if (!member.id().equals(self)) {
        byId.put(member.id(), member);
      }
    }
    // Members gossip does not (or no longer) report keep their ring place, unreachable: placement
    // changes only when a member joins, never because one was forgotten.
    for (RingMember known : members.values()) {
      if (!byId.containsKey(known.id()) && known.ring() != null) {
        byId.put(
            known.id(), new RingMember(known.id(), known.address(), STATUS_UNKNOWN, known.ring()));
      }
    }
    members = byId;
    rebuildRing();
  }

  private void rebuildRing() {
    Map<NodeId, long[]> normal = new TreeMap<>();
    Map<NodeId, long[]> full = new TreeMap<>();
    for (RingMember member : members.values()) {
      RingMetadata ring = member.ring();
      if (ring == null) {
        continue;
      }
      full.put(member.id(), ring.tokens());
      if (ring.state() == RingMetadata.State.NORMAL) {
        normal.put(member.id(), ring.tokens());
      }
    }
    full.put(self, tokens);
    if (state == RingMetadata.State.NORMAL) {
      normal.put(self, tokens);
    }
    boolean normalChanged = !sameTokens(normal, normalTokens);
    boolean fullChanged = !sameTokens(full, fullTokens);
    if (normalChanged) {
      // Only a member that finished joining moves ranges; learning of members that served
      // already (at start, after a partition) changes what this peer knows, not where data is.
      boolean joinCompleted = false;
      for (NodeId id : normal.keySet()) {
        if (!normalTokens.containsKey(id) && fullTokens.containsKey(id)) {
          joinCompleted = true;
        }
      }
      if (joinCompleted && readRing.tokenCount() > 0) {
        previousRing = readRing;
        previousRingUntil = now + config.ringChangeGraceNanos();
      }
      normalTokens = normal;
      readRing = TokenRing.of(normal, config.replicationFactor());
      output.dataProgress(
          "ring: "
              + normal.size()
              + " serving members, "
              + (full.size() - normal.size())
              + " joining");
    }
    if (fullChanged || normalChanged) {
      fullTokens = full;
      fullRing =
          full.size() == normal.size() ? readRing : TokenRing.of(full, config.replicationFactor());
      List<RingMember> placed = new ArrayList<>();
      for (RingMember member : ringMembers()) {
        if (member.ring() != null) {
          placed.add(member);
        }
      }
      output.saveRing(placed);
    }
    publishPlacement();
  }

  private void publishPlacement() {
    Set<NodeId> unreachable = new HashSet<>();
    for (RingMember member : members.values()) {
      if (member.ring() != null && !member.reachable()) {
        unreachable.add(member.id());
      }
    }
    placement =
        new LocalPlacement(
            self,
            readRing,
            state == RingMetadata.State.NORMAL,
            fullRing == readRing && previousRing == null,
            unreachable);
  }

  /**
   * What this peer answers from its own store alone, as of the last change of the ring, its state
   * or a pending replica; {@code null} before {@link #start}. Any thread may call it.
   */
  public LocalPlacement localPlacement() {
    return placement;
  }

  private static boolean sameTokens(Map<NodeId, long[]> a, Map<NodeId, long[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Map.Entry<NodeId, long[]> entry : a.entrySet()) {
      if (!Arrays.equals(entry.getValue(), b.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private RingMember member(NodeId id) {
    return id.equals(self)
        ? new RingMember(self, selfAddress, "alive", metadata())
        : members.get(id);
  }

  private boolean reachable(NodeId id) {
    if (id.equals(self)) {
      return true;
    }
    RingMember member = members.get(id);
    if (member == null || !member.reachable()) {
      return false;
    }
    return inFlightByPeer.getOrDefault(member.address(), 0) < config.peerInFlightMax();
  }

  private InetSocketAddress addressOf(NodeId id) {
    return id.equals(self) ? selfAddress : members.get(id).address();
  }

  // ---------------------------------------------------------------------------------------------
  // Coordinator: client requests

  /**
   * Writes {@code key -> value} (value null: a tombstone) at {@code consistency}; completes with
   * the write's version on the node's thread.
   */
  public CompletableFuture<Long> write(
      byte[] key, byte[] value, long expiresAtMillis, Consistency consistency, long nowNanos) {
    return write(key, value, expiresAtMillis, 0, consistency, nowNanos);
  }

  /**
   * Writes {@code key -> value} (value null: a tombstone) at {@code consistency} with the version
   * its client stamped it with ({@code clientVersion}; 0: stamped by this peer's clock), as {@link
   * org.ppdb.peer.api.KeyValueService#writeVersioned} describes; completes with the version written
   * on the node's thread. A client version the clock refuses fails the write with {@link
   * VersionRejectedException} before anything is sent.
   */
  public CompletableFuture<Long> write(
      byte[] key,
      byte[] value,
      long expiresAtMillis,
      long clientVersion,
      Consistency consistency,
      long nowNanos) {
    now = nowNanos;
    CompletableFuture<Long> future = new CompletableFuture<>();
    if (clientVersion != 0) {
      String problem = clock.clientVersionProblem(clientVersion);
      if (problem != null) {
        counters.versionsRejected++;
        future.completeExceptionally(new VersionRejectedException(problem));
        return future;
      }
    }
    if (!refuseWhileJoining(future)) {
      attemptWrite(key, value, expiresAtMillis, consistency, future, 1, clientVersion, null);
    }
    return future;
  }

  /**
   * This peer's own replica's part of a write, done on the client's thread before the write reached
   * the node ({@link LocalPath#writeAhead}): the record as stamped and applied, and the version the
   * store held for its key afterwards ({@code held}), or the store's error ({@code error} non-null,
   * nothing applied).
   */
  public record WrittenAhead(ReplicaRecord record, long held, String error) {
    public WrittenAhead {
      Objects.requireNonNull(record, "record");
    }
  }

  /**
   * Writes {@code ahead.record()} at {@code consistency} to the key's other replicas, counting
   * {@code ahead} as this peer's acknowledgement if this peer is among the replicas the write goes
   * to; completes with the write's version on the node's thread. A definite refusal (joining, too
   * few replicas, overloaded) tells only that the other replicas were not asked: this peer's store
   * already took the record.
   */
  public CompletableFuture<Long> write(WrittenAhead ahead, Consistency consistency, long nowNanos) {
    now = nowNanos;
    CompletableFuture<Long> future = new CompletableFuture<>();
    if (!refuseWhileJoining(future)) {
      ReplicaRecord record = ahead.record();
      attemptWrite(
          record.key(), record.value(), record.expiresAtMillis(), consistency, future, 1, 0, ahead);
    }
    return future;
  }

  /**
   * Whether this peer may coordinate: not while it is joining. Its view of the ring may still be
   * partial (gossip has not told it of every member), and a coordinator with a partial ring sends
   * writes to the wrong replicas and counts their acknowledgements; Cassandra likewise starts its
   * client port only after bootstrap. The refusal is definite (nothing was done): clients retry on
   * another peer.
   */
  private boolean refuseWhileJoining(CompletableFuture<?> future) {
    if (state != RingMetadata.State.JOINING) {
      return false;
    }
    counters.overloaded++;
    future.completeExceptionally(
        new OverloadedException(
            "this peer is joining the ring and does not coordinate requests yet; use another peer"));
    return true;
  }

  /** Most times a write is stamped anew because replicas held newer versions. */
  static final int WRITE_ATTEMPTS_MAX = 4;

  private void attemptWrite(
      byte[] key,
      byte[] value,
      long expiresAtMillis,
      Consistency consistency,
      CompletableFuture<Long> future,
      int attempt,
      long clientVersion,
      WrittenAhead ahead) {
    List<NodeId> natural = readRing.replicasForKey(key);
    if (natural.isEmpty()) {
      counters.unavailable++;
      future.completeExceptionally(
          new ReplicasUnavailableException(
              consistency, consistency.required(config.replicationFactor()), 0));
      return;
    }
    Set<NodeId> targets = new LinkedHashSet<>(natural);
    if (fullRing != readRing) {
      targets.addAll(fullRing.replicasForKey(key));
    }
    if (previousRing != null) {
      if (now < previousRingUntil) {
        targets.addAll(previousRing.replicasForKey(key));
      } else {
        previousRing = null;
        publishPlacement();
      }
    }
    int required = consistency.required(natural.size()) + (targets.size() - natural.size());
    List<NodeId> live = new ArrayList<>(targets.size());
    for (NodeId target : targets) {
      if (reachable(target)) {
        live.add(target);
      }
    }
    if (live.size() < required) {
      counters.unavailable++;
      future.completeExceptionally(
          new ReplicasUnavailableException(consistency, required, live.size()));
      return;
    }
    if (pending.size() >= config.coordinatorInFlightMax()) {
      counters.overloaded++;
      future.completeExceptionally(
          new OverloadedException(
              "coordinator has " + pending.size() + " requests in flight (the limit)"));
      return;
    }
    ReplicaRecord record;
    if (ahead != null) {
      record = ahead.record();
    } else {
      // A client's version (checked by write) moves the clock past it; a restamp (attempt > 1)
      // takes the clock's, which observed the newer version a replica held.
      long version = clientVersion != 0 ? clock.acceptClientVersion(clientVersion) : clock.now();
      record =
          value == null
              ? ReplicaRecord.tombstone(key, version)
              : new ReplicaRecord(key, value, version, expiresAtMillis);
    }
    WritePending write =
        new WritePending(
            nextRequestId++, future, record, required, live.size(), consistency, attempt);
    register(write, config.requestTimeoutNanos());
    boolean selfAhead = false;
    for (NodeId target : live) {
      InetSocketAddress address = addressOf(target);
      write.awaiting.add(address);
      if (target.equals(self)) {
        if (ahead != null) {
          selfAhead = true; // answered below, once every other replica has been sent the record
        } else {
          long id = write.id;
          store.write(
              record,
              (held, error) -> onReply(selfAddress, ack(id, record.version(), held, error)));
        }
      } else {
        send(address, new DataMessage.Mutate(write.id, record));
      }
    }
    if (selfAhead) {
      onReply(
          selfAddress,
          ahead.error() != null
              ? new DataMessage.Ack(write.id, 0, ahead.error())
              : ack(write.id, record.version(), ahead.held(), null));
    }
    // If this peer is no longer among the targets (the ring changed after the write was applied
    // ahead), its copy stays as any replica's copy of a range that moved away: harmless under
    // last-writer-wins, and the write still reaches every replica the ring names now.
  }

  static DataMessage.Ack ack(long requestId, long written, Long held, Throwable error) {
    if (error != null) {
      return new DataMessage.Ack(requestId, 0, describe(error));
    }
    return new DataMessage.Ack(requestId, held != null && held > written ? held : 0, null);
  }

  /** Reads {@code key} at {@code consistency}; completes on the node's thread. */
  public CompletableFuture<Optional<StoredValue>> read(
      byte[] key, Consistency consistency, long nowNanos) {
    return read(key, consistency, nowNanos, null);
  }

  /**
   * This peer's own replica's answer to a read, taken on the client's thread before the read
   * reached the node ({@link LocalPath#readAhead}), so the coordinator asks only the other
   * replicas; {@code record} null: the key is absent here.
   */
  public record LocalAnswer(ReplicaRecord record) {}

  /**
   * Reads {@code key} at {@code consistency}, counting {@code local} (may be null) as this peer's
   * replica's answer if this peer is among the replicas it asks; completes on the node's thread.
   */
  public CompletableFuture<Optional<StoredValue>> read(
      byte[] key, Consistency consistency, long nowNanos, LocalAnswer local) {
    now = nowNanos;
    CompletableFuture<Optional<StoredValue>> future = new CompletableFuture<>();
    if (refuseWhileJoining(future)) {
      return future;
    }
    List<NodeId> natural = readRing.replicasForKey(key);
    int required = consistency.required(Math.max(1, natural.size()));
    List<NodeId> candidates = new ArrayList<>(natural.size());
    if (natural.contains(self)) {
      candidates.add(self);
    }
    for (int pass = 0; pass < 2; pass++) {
      for (NodeId id : natural) {
        if (id.equals(self) || !reachable(id)) {
          continue;
        }
        boolean alive = members.get(id).status().equals("alive");
        if ((pass == 0) == alive) {
          candidates.add(id);
        }
      }
    }
    if (candidates.size() < required || natural.isEmpty()) {
      counters.unavailable++;
      future.completeExceptionally(
          new ReplicasUnavailableException(consistency, required, candidates.size()));
      return future;
    }
    if (pending.size() >= config.coordinatorInFlightMax()) {
      counters.overloaded++;
      future.completeExceptionally(
          new OverloadedException(
              "coordinator has " + pending.size() + " requests in flight (the limit)"));
      return future;
    }
    ReadPending read = new ReadPending(nextRequestId++, future, key, required, consistency);
    register(read, config.requestTimeoutNanos());
    if (candidates.size() > required) {
      deadlines.add(speculativeDelayNanos(), new Due(now + speculativeDelayNanos(), read.id, true));
    }
    boolean answeredHere = false;
    for (int i = 0; i < candidates.size(); i++) {
      if (i < required) {
        if (local != null && candidates.get(i).equals(self)) {
          answeredHere = true;
          read.awaiting.add(selfAddress);
          read.asked.add(selfAddress);
        } else {
          askRead(read, candidates.get(i));
        }
      } else {
        read.spare.add(candidates.get(i));
      }
    }
    if (answeredHere) {
      onReply(selfAddress, new DataMessage.ReadReply(read.id, local.record(), null));
    }
    return future;
  }

  private void askRead(ReadPending read, NodeId target) {
    InetSocketAddress address = addressOf(target);
    read.awaiting.add(address);
    read.asked.add(address);
    if (target.equals(self)) {
      long id = read.id;
      store.read(
          read.key,
          (record, error) ->
              onReply(
                  selfAddress,
                  new DataMessage.ReadReply(id, record, error == null ? null : describe(error))));
    } else {
      send(address, new DataMessage.Read(read.id, read.key));
    }
  }

  /**
   * Up to {@code limit} live keys after {@code afterKey} across the cluster: every reachable
   * serving member is asked for its keys and the pages are merged.
   */
  public CompletableFuture<ScanPage> scan(
      byte[] afterKey, int limit, Consistency consistency, long nowNanos) {
    now = nowNanos;
    CompletableFuture<ScanPage> future = new CompletableFuture<>();
    if (refuseWhileJoining(future)) {
      return future;
    }
    if (limit < 1 || limit > DataMessage.SCAN_LIMIT_MAX) {
      future.completeExceptionally(
          new IllegalArgumentException(
              "limit: " + limit + " (expected: 1.." + DataMessage.SCAN_LIMIT_MAX + ")"));
      return future;
    }
    List<NodeId> serving = new ArrayList<>();
    for (NodeId id : readRing.members()) {
      if (reachable(id)) {
        serving.add(id);
      }
    }
    if (serving.isEmpty()) {
      counters.unavailable++;
      future.completeExceptionally(new ReplicasUnavailableException(consistency, 1, 0));
      return future;
    }
    if (pending.size() >= config.coordinatorInFlightMax()) {
      counters.overloaded++;
      future.completeExceptionally(new OverloadedException("coordinator is at its request limit"));
      return future;
    }
    ScanPending scan = new ScanPending(nextRequestId++, future, limit);
    register(scan, config.requestTimeoutNanos());
    for (NodeId id : serving) {
      InetSocketAddress address = addressOf(id);
      scan.awaiting.add(address);
      if (id.equals(self)) {
        long requestId = scan.id;
        store.scan(
            afterKey,
            limit,
            (result, error) ->
                onReply(
                    selfAddress,
                    error == null
                        ? new DataMessage.ScanReply(requestId, result.keys(), result.more(), null)
                        : new DataMessage.ScanReply(requestId, List.of(), false, describe(error))));
      } else {
        send(address, new DataMessage.Scan(scan.id, afterKey, limit));
      }
    }
    return future;
  }

  /** An estimate of the live keys in the cluster: local records scaled by members over N. */
  public long sizeEstimate() {
    int serving = Math.max(1, readRing.members().size());
    int replicas = Math.min(config.replicationFactor(), serving);
    return store.sizeEstimate() * serving / replicas;
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  /** A data message from the peer at {@code from}. */
  public void onMessage(InetSocketAddress from, DataMessage message, long nowNanos) {
    now = nowNanos;
    if (message instanceof DataMessage.Mutate m) {
      serveMutate(from, m);
    } else if (message instanceof DataMessage.Read m) {
      serveRead(from, m);
    } else if (message instanceof DataMessage.Scan m) {
      serveScan(from, m);
    } else if (message instanceof DataMessage.StreamRequest m) {
      serveStream(from, m);
    } else if (message instanceof DataMessage.RingRequest m) {
      List<RingMember> placed = new ArrayList<>();
      for (RingMember member : ringMembers()) {
        if (member.ring() != null && placed.size() < DataMessage.RING_MEMBERS_MAX) {
          placed.add(member);
        }
      }
      send(from, new DataMessage.RingReply(m.requestId(), placed));
    } else {
      onReply(from, message); // Ack, ReadReply, ScanReply, StreamBatch
    }
  }

  private void serveMutate(InetSocketAddress from, DataMessage.Mutate m) {
    clock.observe(m.record().version());
    boolean repair = m.requestId() == 0;
    if (replicaInFlight >= config.replicaInFlightMax()) {
      counters.replicaRejected++;
      if (!repair) {
        send(from, new DataMessage.Ack(m.requestId(), "overloaded: replica operations at limit"));
      }
      return;
    }
    replicaInFlight++;
    if (repair) {
      counters.repairsReceived++;
    }
    store.write(
        m.record(),
        (held, error) -> {
          replicaInFlight--;
          if (!repair) {
            send(from, ack(m.requestId(), m.record().version(), held, error));
          }
        });
  }

  private void serveRead(InetSocketAddress from, DataMessage.Read m) {
    if (replicaInFlight >= config.replicaInFlightMax()) {
      counters.replicaRejected++;
      send(from, new DataMessage.ReadReply(m.requestId(), null, "overloaded: replica at limit"));
      return;
    }
    replicaInFlight++;
    store.read(
        m.key(),
        (record, error) -> {
          replicaInFlight--;
          send(
              from,
              new DataMessage.ReadReply(
                  m.requestId(),
                  error == null ? record : null,
                  error == null ? null : describe(error)));
        });
  }

  private void serveScan(InetSocketAddress from, DataMessage.Scan m) {
    if (replicaInFlight >= config.replicaInFlightMax()) {
      counters.replicaRejected++;
      send(from, new DataMessage.ScanReply(m.requestId(), List.of(), false, "overloaded"));
      return;
    }
    replicaInFlight++;
    store.scan(
        m.afterKey(),
        m.limit(),
        (result, error) -> {
          replicaInFlight--;
          send(
              from,
              error == null
                  ? new DataMessage.ScanReply(m.requestId(), result.keys(), result.more(), null)
                  : new DataMessage.ScanReply(m.requestId(), List.of(), false, describe(error)));
        });
  }

  private void serveStream(InetSocketAddress from, DataMessage.StreamRequest m) {
    int bytesMax = Math.min(m.bytesMax(), config.streamBatchBytes());
    counters.streamRequestsServed++;
    store.stream(
        new TokenRanges(m.starts(), m.ends()),
        m.afterKey(),
        bytesMax,
        (result, error) ->
            send(
                from,
                error == null
                    ? new DataMessage.StreamBatch(
                        m.requestId(), result.records(), result.resumeAfter(), null)
                    : new DataMessage.StreamBatch(
                        m.requestId(), List.of(), null, describe(error))));
  }

  private void onReply(InetSocketAddress from, DataMessage reply) {
    Pending p = pending.get(reply.requestId());
    if (p == null) {
      return; // finished already (completed or timed out): late replies are expected
    }
    if (!p.awaiting.remove(from)) {
      counters.repliesUnexpected++;
      return;
    }
    releasePeer(from);
    p.onReply(from, reply);
  }

  private void send(InetSocketAddress to, DataMessage message) {
    if (!to.equals(selfAddress) && isRequest(message)) {
      inFlightByPeer.merge(to, 1, Integer::sum);
    }
    output.sendData(to, message);
  }

  private static boolean isRequest(DataMessage message) {
    return (message instanceof DataMessage.Mutate m && m.requestId() != 0)
        || message instanceof DataMessage.Read
        || message instanceof DataMessage.Scan
        || message instanceof DataMessage.StreamRequest;
  }

  private void releasePeer(InetSocketAddress peer) {
    if (peer.equals(selfAddress)) {
      return;
    }
    inFlightByPeer.computeIfPresent(peer, (k, v) -> v <= 1 ? null : v - 1);
  }

  /** How long a read waits before asking one more replica: a tenth of the request timeout. */
  private long speculativeDelayNanos() {
    return config.requestTimeoutNanos() / 10;
  }

  private void register(Pending p, long timeoutNanos) {
    p.deadline = now + timeoutNanos;
    pending.put(p.id, p);
    deadlines.add(timeoutNanos, new Due(p.deadline, p.id, false));
  }

  private void finish(Pending p) {
    pending.remove(p.id);
    for (InetSocketAddress address : p.awaiting) {
      releasePeer(address);
    }
    p.awaiting.clear();
  }

  private void repair(InetSocketAddress address, ReplicaRecord newest) {
    counters.readRepairs++;
    if (address.equals(selfAddress)) {
      store.write(newest, (held, error) -> {});
    } else {
      output.sendData(address, new DataMessage.Mutate(0, newest));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Time

  /** Runs what is due: request deadlines, the bootstrap decision and stream retries. */
  public void onTick(long nowNanos) {
    now = nowNanos;
    Due head;
    while ((head = deadlines.peek()) != null && head.atNanos() <= nowNanos) {
      deadlines.poll();
      Pending p = pending.get(head.requestId());
      if (head.speculative()) {
        // A read's speculative retry: a replica is slow or silently gone (gossip has not
        // noticed yet), so ask one more instead of waiting out the whole timeout.
        if (p instanceof ReadPending read && !read.spare.isEmpty()) {
          counters.speculativeReads++;
          askRead(read, read.spare.remove(0));
        }
        continue;
      }
      if (p != null && p.deadline == head.atNanos()) {
        finish(p);
        p.onTimeout();
      }
    }
    if (state == RingMetadata.State.JOINING
        && bootstrap == null
        && !ringSyncInFlight
        && nowNanos >= settleUntil) {
      startBootstrap();
    }
    if (bootstrap != null && nowNanos >= bootstrap.retryAt && !bootstrap.retry.isEmpty()) {
      bootstrap.retryAt = Long.MAX_VALUE;
      List<RangeSource> again = new ArrayList<>(bootstrap.retry);
      bootstrap.retry.clear();
      launchStreams(again);
    }
    if (previousRing != null && nowNanos >= previousRingUntil) {
      previousRing = null;
      publishPlacement();
    }
  }

  /** The earliest time at which {@link #onTick} has work. */
  public long nextDeadlineNanos() {
    long next = deadlines.nextNanos();
    if (state == RingMetadata.State.JOINING && bootstrap == null && !ringSyncInFlight) {
      next = Math.min(next, settleUntil);
    }
    if (bootstrap != null && !bootstrap.retry.isEmpty()) {
      next = Math.min(next, bootstrap.retryAt);
    }
    return next;
  }

  // ---------------------------------------------------------------------------------------------
  // Bootstrap

  private void startBootstrap() {
    if (readRing.tokenCount() == 0) {
      boolean othersAlive = false;
      for (RingMember member : members.values()) {
        othersAlive |= member.reachable();
      }
      if (!othersAlive && hasSeeds) {
        // Seeds were given, so a cluster exists somewhere: founding a ring alone here (a
        // partition, seeds not up yet) would acknowledge writes that only this peer holds.
        settleUntil = now + config.bootstrapSettleNanos();
        if (!waitingLogged) {
          waitingLogged = true;
          output.dataProgress("ring: no member heard yet; waiting for the seeds before joining");
        }
        return;
      }
      output.dataProgress(
          othersAlive
              ? "ring: no member serves yet; founding the ring with the members starting now"
              : "ring: no member serves yet and no seeds; founding the ring");
      becomeNormal();
      return;
    }
    if (!ringSynced) {
      requestRingSync();
      return;
    }
    Map<NodeId, long[]> future = new TreeMap<>(normalTokens);
    future.put(self, tokens);
    TokenRing<NodeId> target = TokenRing.of(future, config.replicationFactor());
    List<RangeSource> ranges = new ArrayList<>();
    for (TokenRange<NodeId> range : target.ranges()) {
      if (!range.replicas().contains(self)) {
        continue;
      }
      List<NodeId> old = readRing.replicasAt(range.endInclusive());
      List<NodeId> candidates = new ArrayList<>();
      for (NodeId id : old) {
        if (!range.replicas().contains(id)) {
          candidates.add(id); // the replica that loses the range has every write it must keep
        }
      }
      for (NodeId id : old) {
        if (!candidates.contains(id)) {
          candidates.add(id);
        }
      }
      ranges.add(new RangeSource(range.startExclusive(), range.endInclusive(), candidates));
    }
    bootstrap = new Bootstrap(now);
    bootstrap.rangesTotal = ranges.size();
    if (ranges.isEmpty()) {
      becomeNormal();
      return;
    }
    output.dataProgress(
        "bootstrap: streaming "
            + ranges.size()
            + " ranges from "
            + readRing.members().size()
            + " serving members");
    launchStreams(ranges);
  }

  /** Most serving members a joining peer asks for the ring. */
  static final int RING_SYNC_TARGETS_MAX = 3;

  /**
   * Asks a few serving members for every ring member they know, before computing this peer's ranges
   * (Cassandra's "shadow round"): gossip may not have told a new peer of every member yet, and
   * ranges computed from a partial ring would stream the wrong data and serve wrong reads.
   */
  private void requestRingSync() {
    List<NodeId> targets = new ArrayList<>();
    for (NodeId id : readRing.members()) {
      if (!id.equals(self) && reachable(id) && targets.size() < RING_SYNC_TARGETS_MAX) {
        targets.add(id);
      }
    }
    if (targets.isEmpty()) {
      settleUntil = now + config.bootstrapSettleNanos();
      return;
    }
    RingSyncPending sync = new RingSyncPending(nextRequestId++);
    register(sync, config.requestTimeoutNanos());
    ringSyncInFlight = true;
    for (NodeId id : targets) {
      InetSocketAddress address = addressOf(id);
      sync.awaiting.add(address);
      send(address, new DataMessage.RingRequest(sync.id));
    }
  }

  private void ringSyncDone(int answers) {
    ringSyncInFlight = false;
    if (answers == 0) {
      settleUntil = now + config.bootstrapSettleNanos();
      return;
    }
    ringSynced = true;
    rebuildRing();
    output.dataProgress("ring: learned " + members.size() + " members from serving peers");
    startBootstrap();
  }

  private final class RingSyncPending extends Pending {
    int answers;

    RingSyncPending(long id) {
      super(id);
    }

    @Override
    void onReply(InetSocketAddress from, DataMessage reply) {
      answers++;
      for (RingMember member : ((DataMessage.RingReply) reply).members()) {
        if (member.id().equals(self) || member.ring() == null) {
          continue;
        }
        RingMember known = members.get(member.id());
        if (known == null || known.ring() == null) {
          InetSocketAddress address =
              known != null && known.address() != null ? known.address() : member.address();
          String status = known != null ? known.status() : STATUS_UNKNOWN;
          members.put(member.id(), new RingMember(member.id(), address, status, member.ring()));
        }
      }
      if (awaiting.isEmpty()) {
        finish(this);
        ringSyncDone(answers);
      }
    }

    @Override
    void onTimeout() {
      ringSyncDone(answers);
    }
  }

  /** Groups ranges by their current source and starts one stream per source. */
  private void launchStreams(List<RangeSource> ranges) {
    Map<NodeId, List<RangeSource>> bySource = new TreeMap<>();
    for (RangeSource range : ranges) {
      NodeId source = null;
      for (int tries = 0; tries < range.candidates.size(); tries++) {
        NodeId candidate = range.candidates.get(range.next % range.candidates.size());
        if (!candidate.equals(self) && reachable(candidate)) {
          source = candidate;
          break;
        }
        range.next++;
      }
      if (source == null) {
        bootstrap.retry.add(range);
      } else {
        bySource.computeIfAbsent(source, k -> new ArrayList<>()).add(range);
      }
    }
    if (!bootstrap.retry.isEmpty()) {
      bootstrap.retryAt = now + STREAM_RETRY_NANOS;
    }
    for (Map.Entry<NodeId, List<RangeSource>> entry : bySource.entrySet()) {
      List<RangeSource> group = entry.getValue();
      for (int from = 0; from < group.size(); from += DataMessage.STREAM_RANGES_MAX) {
        StreamTask task =
            new StreamTask(
                entry.getKey(),
                group.subList(from, Math.min(group.size(), from + DataMessage.STREAM_RANGES_MAX)));
        bootstrap.running.add(task);
        requestBatch(task);
      }
    }
  }

  private void requestBatch(StreamTask task) {
    long[] starts = new long[task.ranges.size()];
    long[] ends = new long[task.ranges.size()];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = task.ranges.get(i).start;
      ends[i] = task.ranges.get(i).end;
    }
    StreamPending p = new StreamPending(nextRequestId++, task);
    register(p, config.streamTimeoutNanos());
    InetSocketAddress address = addressOf(task.source);
    p.awaiting.add(address);
    send(
        address,
        new DataMessage.StreamRequest(p.id, starts, ends, task.after, config.streamBatchBytes()));
  }

  private void onStreamBatch(StreamTask task, DataMessage.StreamBatch batch) {
    if (batch.error() != null) {
      streamFailed(task, "source answered: " + batch.error());
      return;
    }
    store.writeAll(
        batch.records(),
        error -> {
          if (error != null) {
            streamFailed(task, "local write failed: " + describe(error));
            return;
          }
          task.records += batch.records().size();
          bootstrap.records += batch.records().size();
          if (batch.resumeAfter() == null) {
            streamDone(task);
          } else {
            task.after = batch.resumeAfter();
            requestBatch(task);
          }
        });
  }

  private void streamDone(StreamTask task) {
    bootstrap.running.remove(task);
    bootstrap.rangesDone += task.ranges.size();
    output.dataProgress(
        "bootstrap: "
            + task.records
            + " records of "
            + task.ranges.size()
            + " ranges from "
            + task.source.toShortHex()
            + " ("
            + bootstrap.rangesDone
            + "/"
            + bootstrap.rangesTotal
            + " ranges done)");
    if (bootstrap.running.isEmpty() && bootstrap.retry.isEmpty()) {
      output.dataProgress(
          "bootstrap: done, "
              + bootstrap.records
              + " records in "
              + TimeUnit.NANOSECONDS.toMillis(now - bootstrap.startedAt)
              + " ms; serving reads");
      becomeNormal();
    }
  }

  private void streamFailed(StreamTask task, String why) {
    counters.streamFailures++;
    bootstrap.running.remove(task);
    output.dataProgress(
        "bootstrap: stream from " + task.source.toShortHex() + " failed (" + why + "); retrying");
    for (RangeSource range : task.ranges) {
      range.next++;
    }
    bootstrap.retry.addAll(task.ranges);
    bootstrap.retryAt = Math.min(bootstrap.retryAt, now + STREAM_RETRY_NANOS);
  }

  private void becomeNormal() {
    state = RingMetadata.State.NORMAL;
    output.publishRing(metadata());
    output.ringJoined();
    rebuildRing();
  }

  // ---------------------------------------------------------------------------------------------
  // Pending requests

  private abstract static class Pending {
    final long id;
    long deadline;
    final Set<InetSocketAddress> awaiting = new LinkedHashSet<>();

    Pending(long id) {
      this.id = id;
    }

    abstract void onReply(InetSocketAddress from, DataMessage reply);

    abstract void onTimeout();
  }

  private final class WritePending extends Pending {
    final CompletableFuture<Long> future;
    final ReplicaRecord record;
    final long version;
    final int required;
    final int targets;
    final Consistency consistency;
    final int attempt;
    int acks;
    int failures;
    String lastError;

    WritePending(
        long id,
        CompletableFuture<Long> future,
        ReplicaRecord record,
        int required,
        int targets,
        Consistency consistency,
        int attempt) {
      super(id);
      this.future = future;
      this.record = record;
      this.version = record.version();
      this.required = required;
      this.targets = targets;
      this.consistency = consistency;
      this.attempt = attempt;
    }

    @Override
    void onReply(InetSocketAddress from, DataMessage reply) {
      DataMessage.Ack ack = (DataMessage.Ack) reply;
      if (ack.error() == null && ack.supersededBy() > version) {
        // A replica holds a newer version: a write that completed before this one began went
        // through a peer whose clock is ahead. Stamp this write above it and start again, so it
        // wins as the later write it is (quorum intersection guarantees such a replica answers
        // among any W). Concurrent writers may each restamp once; the attempts are bounded.
        finish(this);
        clock.observe(ack.supersededBy());
        counters.restamped++;
        if (attempt >= WRITE_ATTEMPTS_MAX) {
          counters.writesIndeterminate++;
          future.completeExceptionally(
              new RequestTimeoutException(
                  true,
                  consistency
                      + ": still superseded by newer versions after "
                      + attempt
                      + " attempts (concurrent writers)"));
          return;
        }
        attemptWrite(
            record.key(),
            record.value(),
            record.expiresAtMillis(),
            consistency,
            future,
            attempt + 1,
            0,
            null);
        return;
      }
      if (ack.error() == null) {
        acks++;
      } else {
        failures++;
        lastError = ack.error();
      }
      if (acks >= required) {
        finish(this);
        counters.writes++;
        future.complete(version);
      } else if (targets - failures < required) {
        finish(this);
        counters.writesIndeterminate++;
        future.completeExceptionally(
            new RequestTimeoutException(
                true,
                consistency
                    + ": "
                    + acks
                    + " of "
                    + required
                    + " acknowledgements, "
                    + failures
                    + " replicas failed, last: "
                    + lastError));
      }
    }

    @Override
    void onTimeout() {
      counters.writesIndeterminate++;
      future.completeExceptionally(
          new RequestTimeoutException(
              true,
              consistency
                  + ": "
                  + acks
                  + " of "
                  + required
                  + " acknowledgements in "
                  + TimeUnit.NANOSECONDS.toMillis(config.requestTimeoutNanos())
                  + " ms"));
    }
  }

  private final class ReadPending extends Pending {
    final CompletableFuture<Optional<StoredValue>> future;
    final byte[] key;
    final int required;
    final Consistency consistency;
    final List<NodeId> spare = new ArrayList<>();
    final List<InetSocketAddress> asked = new ArrayList<>();
    final Map<InetSocketAddress, ReplicaRecord> answers = new LinkedHashMap<>();
    int failures;
    String lastError;

    ReadPending(
        long id,
        CompletableFuture<Optional<StoredValue>> future,
        byte[] key,
        int required,
        Consistency consistency) {
      super(id);
      this.future = future;
      this.key = key;
      this.required = required;
      this.consistency = consistency;
    }

    @Override
    void onReply(InetSocketAddress from, DataMessage reply) {
      DataMessage.ReadReply read = (DataMessage.ReadReply) reply;
      if (read.error() != null) {
        failures++;
        lastError = read.error();
        if (!spare.isEmpty()) {
          askRead(this, spare.remove(0));
        } else if (answers.size() + awaiting.size() < required) {
          finish(this);
          counters.readsFailed++;
          future.completeExceptionally(
              new RequestTimeoutException(
                  false,
                  consistency
                      + ": "
                      + answers.size()
                      + " of "
                      + required
                      + " replicas answered, last error: "
                      + lastError));
        }
        return;
      }
      if (read.record() != null) {
        clock.observe(read.record().version());
      }
      answers.put(from, read.record());
      if (answers.size() >= required) {
        finish(this);
        ReplicaRecord newest = null;
        for (ReplicaRecord record : answers.values()) {
          if (ReplicaRecord.newer(record, newest)) {
            newest = record;
          }
        }
        counters.reads++;
        if (newest != null) {
          for (Map.Entry<InetSocketAddress, ReplicaRecord> answer : answers.entrySet()) {
            if (!newest.sameAs(answer.getValue())) {
              repair(answer.getKey(), newest);
            }
          }
        }
        future.complete(
            newest != null && newest.isLive(epochMillis.getAsLong())
                ? Optional.of(
                    new StoredValue(newest.value(), newest.expiresAtMillis(), newest.version()))
                : Optional.empty());
      }
    }

    @Override
    void onTimeout() {
      counters.readsFailed++;
      future.completeExceptionally(
          new RequestTimeoutException(
              false,
              consistency
                  + ": "
                  + answers.size()
                  + " of "
                  + required
                  + " replicas answered in "
                  + TimeUnit.NANOSECONDS.toMillis(config.requestTimeoutNanos())
                  + " ms"));
    }
  }

  private final class ScanPending extends Pending {
    final CompletableFuture<ScanPage> future;
    final int limit;
    final List<DataMessage.ScanReply> replies = new ArrayList<>();

    ScanPending(long id, CompletableFuture<ScanPage> future, int limit) {
      super(id);
      this.future = future;
      this.limit = limit;
    }

    @Override
    void onReply(InetSocketAddress from, DataMessage reply) {
      DataMessage.ScanReply scan = (DataMessage.ScanReply) reply;
      if (scan.error() != null) {
        finish(this);
        future.completeExceptionally(
            new RequestTimeoutException(false, "scan: a member failed: " + scan.error()));
        return;
      }
      replies.add(scan);
      if (!awaiting.isEmpty()) {
        return;
      }
      finish(this);
      future.complete(merge(replies, limit));
    }

    @Override
    void onTimeout() {
      future.completeExceptionally(
          new RequestTimeoutException(
              false, "scan: " + awaiting.size() + " members did not answer in time"));
    }
  }

  /**
   * Merges members' pages: each holds its smallest keys after the cursor, so the union is exact up
   * to the smallest last key of the members that have more.
   */
  static ScanPage merge(List<DataMessage.ScanReply> replies, int limit) {
    byte[] cutoff = null;
    for (DataMessage.ScanReply reply : replies) {
      if (reply.more() && !reply.keys().isEmpty()) {
        byte[] last = reply.keys().get(reply.keys().size() - 1);
        if (cutoff == null || Arrays.compareUnsigned(last, cutoff) < 0) {
          cutoff = last;
        }
      }
    }
    TreeSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
    for (DataMessage.ScanReply reply : replies) {
      for (byte[] key : reply.keys()) {
        if (cutoff == null || Arrays.compareUnsigned(key, cutoff) <= 0) {
          keys.add(key);
        }
      }
    }
    List<byte[]> page = new ArrayList<>(Math.min(limit, keys.size()));
    for (byte[] key : keys) {
      if (page.size() == limit) {
        break;
      }
      page.add(key);
    }
    boolean more = cutoff != null || keys.size() > limit;
    return new ScanPage(page, more && !page.isEmpty() ? page.get(page.size() - 1) : null);
  }

  private final class StreamPending extends Pending {
    final StreamTask task;

    StreamPending(long id, StreamTask task) {
      super(id);
      this.task = task;
    }

    @Override
    void onReply(InetSocketAddress from, DataMessage reply) {
      finish(this);
      onStreamBatch(task, (DataMessage.StreamBatch) reply);
    }

    @Override
    void onTimeout() {
      streamFailed(task, "no batch within the stream timeout");
    }
  }

  private static final class RangeSource {
    final long start;
    final long end;
    final List<NodeId> candidates;
    int next;

    RangeSource(long start, long end, List<NodeId> candidates) {
      this.start = start;
      this.end = end;
      this.candidates = candidates;
    }
  }

  private static final class StreamTask {
    final NodeId source;
    final List<RangeSource> ranges;
    byte[] after;
    long records;

    StreamTask(NodeId source, List<RangeSource> ranges) {
      this.source = source;
      this.ranges = new ArrayList<>(ranges);
    }
  }

  private static final class Bootstrap {
    final long startedAt;
    final List<StreamTask> running = new ArrayList<>();
    final List<RangeSource> retry = new ArrayList<>();
    long retryAt = Long.MAX_VALUE;
    long records;
    int rangesTotal;
    int rangesDone;

    Bootstrap(long startedAt) {
      this.startedAt = startedAt;
    }
  }

  static String describe(Throwable error) {
    if (error instanceof KeyValueException) {
      return error.getMessage();
    }
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  // ---------------------------------------------------------------------------------------------
  // Views for INFO, PPDB.RING, metrics

  /** This peer's ring state. */
  public RingMetadata.State state() {
    return state;
  }

  /** The ring of serving members. */
  public TokenRing<NodeId> readRing() {
    return readRing;
  }

  /** Every member this core knows, with its ring place (self included). */
  public List<RingMember> ringMembers() {
    List<RingMember> all = new ArrayList<>(members.size() + 1);
    all.add(member(self));
    all.addAll(members.values());
    return all;
  }

  /** The replication factor N. */
  public int replicationFactor() {
    return config.replicationFactor();
  }

  /** The hybrid logical clock that versions this peer's writes. */
  public HybridClock clock() {
    return clock;
  }

  /** Requests being coordinated now. */
  public int requestsInFlight() {
    return pending.size();
  }

  /** Ranges streamed so far / to stream, while bootstrapping (0/0 otherwise). */
  public int[] bootstrapRanges() {
    Bootstrap b = bootstrap;
    return b == null ? new int[] {0, 0} : new int[] {b.rangesDone, b.rangesTotal};
  }

  /** Records received by bootstrap streaming. */
  public long bootstrapRecords() {
    return bootstrap == null ? 0 : bootstrap.records;
  }

  /** Counters of the data path. */
  public Counters counters() {
    return counters;
  }

  /** Monotonic counters (read on the node's thread, or racily for metrics). */
  public static final class Counters {
    long writes;
    long writesIndeterminate;
    long reads;
    long readsFailed;
    long unavailable;
    long overloaded;
    long readRepairs;
    long repairsReceived;
    long replicaRejected;
    long repliesUnexpected;
    long streamRequestsServed;
    long streamFailures;
    long speculativeReads;
    long restamped;
    long versionsRejected;

    public long restamped() {
      return restamped;
    }

    /** Writes refused for their client version ({@link VersionRejectedException}). */
    public long versionsRejected() {
      return versionsRejected;
    }

    public long speculativeReads() {
      return speculativeReads;
    }

    public long writes() {
      return writes;
    }

    public long writesIndeterminate() {
      return writesIndeterminate;
    }

    public long reads() {
      return reads;
    }

    public long readsFailed() {
      return readsFailed;
    }

    public long unavailable() {
      return unavailable;
    }

    public long overloaded() {
      return overloaded;
    }

    public long readRepairs() {
      return readRepairs;
    }

    public long repairsReceived() {
      return repairsReceived;
    }

    public long replicaRejected() {
      return replicaRejected;
    }

    public long repliesUnexpected() {
      return repliesUnexpected;
    }

    public long streamRequestsServed() {
      return streamRequestsServed;
    }

    public long streamFailures() {
      return streamFailures;
    }
  }
}
