package org.ppdb.peer.clock;

import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (HLC): timestamps that follow physical time closely, never go backwards,
 * and respect causality across peers, packed into the 64-bit version that every ppdb write carries.
 *
 * <p>The algorithm is Kulkarni et al., "Logical Physical Clocks and Consistent Snapshots in
 * Globally Distributed Databases" (OPODIS 2014), section 3: a timestamp is a pair (l, c) where l is
 * the largest physical time seen so far and c a counter that orders events sharing the same l.
 * Sending or writing calls {@link #now()}; receiving a timestamp from another peer calls {@link
 * #observe(long)}, which moves the clock past it, so a write that causally follows another always
 * gets a higher version.
 *
 * <p>Layout of a version (most significant bit first; see {@link HlcTimestamp}):
 *
 * <pre>
 *   | physical milliseconds since 2020-01-01 UTC : 44 bits | logical counter : 12 bits | writer tag : 8 bits |
 * </pre>
 *
 * 44 bits of milliseconds last 557 years. The 12-bit counter allows 4,096 events per millisecond;
 * past that the clock borrows the next millisecond, which keeps versions unique and increasing at
 * the cost of running slightly ahead of physical time under extreme load. The writer tag is 8 bits
 * of the writing peer's node id: the last-writer-wins tie-break of DESIGN.md, so two peers that
 * write the same key in the same millisecond with the same counter still differ. Peers whose tags
 * collide tie only when both other fields are equal too; the storage engine breaks such a tie
 * deterministically.
 *
 * <p>Clock skew: a peer whose clock runs ahead pulls the others' HLC forward with it. {@link
 * #observe(long)} measures how far the remote physical time is ahead of the local one; beyond
 * {@link #skewWarningMillis()} it is counted ({@link #skewWarnings()}) so an operator sees a bad
 * clock before it distorts last-writer-wins.
 *
 * <p>Thread safety: all methods are synchronized; the peer's node loop is the usual caller, storage
 * threads may call {@link #now()} too. Cost: a few arithmetic operations under an uncontended lock.
 */
public final class HybridClock {

  private final LongSupplier physicalMillis;
  private final int writerTag;
  private final long skewWarningMillis;

  /** Last issued timestamp without the writer tag: physical and logical fields only. */
  private long last;

  private long skewWarnings;
  private long maxRemoteAheadMillis;

  /**
   * @param physicalMillis wall-clock time in epoch milliseconds (the host's clock; under the
   *     simulator, the simulated node's skewed clock)
   * @param writerTag 0..255, derived from this peer's node id ({@link
   *     HlcTimestamp#writerTag(byte[])})
   * @param skewWarningMillis a remote physical time further ahead of ours than this is counted as a
   *     clock-skew warning; must be positive
   */
  public HybridClock(LongSupplier physicalMillis, int writerTag, long skewWarningMillis) {
    if (writerTag < 0 || writerTag > HlcTimestamp.WRITER_TAG_MAX) {
      throw new IllegalArgumentException(
          "writerTag: " + writerTag + " (expected: 0.." + HlcTimestamp.WRITER_TAG_MAX + ")");
    }
    if (skewWarningMillis <= 0) {
      throw new IllegalArgumentException(
          "skewWarningMillis: " + skewWarningMillis + " (expected: > 0)");
    }
    this.physicalMillis = physicalMillis;
    this.writerTag = writerTag;
    this.skewWarningMillis = skewWarningMillis;
  }

  /** A new timestamp for a local event (a write, or a message about to be sent). */
  public synchronized long now() {
    long physical = HlcTimestamp.physicalFromEpochMillis(physicalMillis.getAsLong());
    long lastPhysical = HlcTimestamp.physicalOf(last);
    if (physical > lastPhysical) {
      last = HlcTimestamp.pack(physical, 0, 0);
    } else {
      last = increment(last);
    }
    return last | writerTag;
  }

  /**
   * Moves this clock past a timestamp received from another peer, so later local timestamps are
   * greater than it. Returns the new local timestamp (the receive event).
   */
  public synchronized long observe(long remote) {
    long remoteHlc = HlcTimestamp.withoutWriter(remote);
    long physical = HlcTimestamp.physicalFromEpochMillis(physicalMillis.getAsLong());
    long remotePhysical = HlcTimestamp.physicalOf(remoteHlc);
    long aheadMillis = remotePhysical - physical;
    if (aheadMillis > maxRemoteAheadMillis) {
      maxRemoteAheadMillis = aheadMillis;
    }
    if (aheadMillis > skewWarningMillis) {
      skewWarnings++;
    }
    long lastPhysical = HlcTimestamp.physicalOf(last);
    if (physical > lastPhysical && physical > remotePhysical) {
      last = HlcTimestamp.pack(physical, 0, 0);
    } else {
      last = increment(Math.max(last, remoteHlc));
    }
    return last | writerTag;
  }

  /**
   * Most milliseconds a client's version may be ahead of this peer's physical clock ({@link
   * #acceptClientVersion}): generous for clocks that disagree by seconds, but it refuses a broken
   * clock's versions, or nanoseconds since 1970 sent as a version (decades ahead in this layout),
   * which would otherwise pin a key above every later write.
   */
  public static final long CLIENT_AHEAD_MAX_MILLIS = 60_000;

  /**
   * Takes a version a client stamped its own write with (client versions: a client that stamps its
   * writes from one monotonic clock orders them whichever peers coordinate them, as a peer's clock
   * orders the writes it coordinates). The clock moves past it, like {@link #observe(long)}, so the
   * writes this peer stamps later are newer. Returns {@code version}.
   *
   * @throws IllegalArgumentException if {@code version} is not positive or is more than {@link
   *     #CLIENT_AHEAD_MAX_MILLIS} ahead of this peer's physical clock
   */
  public synchronized long acceptClientVersion(long version) {
    String problem = clientVersionProblem(version);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    observe(version);
    return version;
  }

  /**
   * Why {@link #acceptClientVersion} would refuse {@code version} now, or {@code null} if it would
   * take it.
   */
  public synchronized String clientVersionProblem(long version) {
    if (version <= 0) {
      return "version " + version + " is not a version (expected: a positive 64-bit HLC version)";
    }
    long physical = HlcTimestamp.physicalFromEpochMillis(physicalMillis.getAsLong());
    long aheadMillis = HlcTimestamp.physicalOf(version) - physical;
    if (aheadMillis > CLIENT_AHEAD_MAX_MILLIS) {
      return "version "
          + version
          + " ("
          + HlcTimestamp.format(version)
          + ") is "
          + aheadMillis
          + " ms ahead of this peer's clock (at most "
          + CLIENT_AHEAD_MAX_MILLIS
          + " ms)";
    }
    return null;
  }

  /** The next value after {@code hlc} (no writer tag): counter + 1, or the next millisecond. */
  private static long increment(long hlc) {
    long logical = HlcTimestamp.logicalOf(hlc);
    if (logical < HlcTimestamp.LOGICAL_MAX) {
      return HlcTimestamp.pack(HlcTimestamp.physicalOf(hlc), logical + 1, 0);
    }
    return HlcTimestamp.pack(HlcTimestamp.physicalOf(hlc) + 1, 0, 0);
  }

  /** How many received timestamps were ahead of local physical time by more than the bound. */
  public synchronized long skewWarnings() {
    return skewWarnings;
  }

  /** The largest amount, in milliseconds, by which a received timestamp was ahead of local time. */
  public synchronized long maxRemoteAheadMillis() {
    return maxRemoteAheadMillis;
  }

  /** The bound beyond which a remote clock ahead of ours is counted as a warning. */
  public long skewWarningMillis() {
    return skewWarningMillis;
  }
}
