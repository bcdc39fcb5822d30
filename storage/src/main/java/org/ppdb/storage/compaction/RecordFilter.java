package org.ppdb.storage.compaction;

import java.util.Arrays;
import org.ppdb.storage.format.InternalKeys;

/**
 * Decides, record by record in internal order, which records a flush or compaction keeps.
 *
 * <p>Snapshots are sequence numbers; a reader at snapshot {@code s} sees, per key, the record of
 * highest version among those with sequence {@code <= s}. Records of a key arrive in
 * version-descending order, so the record a snapshot sees is the first one with sequence {@code <=
 * s}. The filter keeps exactly those records (for every live snapshot and for "now"), plus records
 * whose version ties with a kept one (their content decides the tie), and drops the rest: obsolete
 * versions.
 *
 * <p>A tombstone, or an expired put, that every reader sees (it is the first record of its key and
 * older than every snapshot) is purged when its grace period has passed (by the engine clock:
 * delete time or expiry, plus {@code graceMillis}) and no other source (memtables, other tables)
 * may hold the key, since purging it would otherwise resurrect an older version stored there.
 * Versions arrive in any order in ppdb, so unlike leveldb the check covers shallower levels too,
 * not only deeper ones.
 *
 * <p>Not thread-safe; one per flush or compaction.
 */
public final class RecordFilter {
  /** Whether some source other than the compaction's inputs may hold a key. */
  public interface PurgeCheck {
    boolean mayExistOutside(byte[] key, int keyLength);
  }

  private final long[] boundaries;
  private final boolean[] satisfied;
  private final boolean allowPurge;
  private final long nowMillis;
  private final long graceMillis;
  private final PurgeCheck purgeCheck;
  private byte[] key = new byte[64];
  private int keyLength = -1;
  private boolean haveKept;
  private long lastKeptVersion;
  private boolean dropRest;
  private boolean purging;
  private long candidateVersion;
  private int candidateKind;
  private long candidateExpiry;
  private byte[] candidateValue = new byte[0];
  private long dropped;
  private long purged;

  /**
   * @param snapshotsAscending sequence numbers of live snapshots, ascending
   * @param allowPurge whether purging tombstones and expired puts is allowed (false for flushes)
   */
  public RecordFilter(
      long[] snapshotsAscending,
      boolean allowPurge,
      long nowMillis,
      long graceMillis,
      PurgeCheck purgeCheck) {
    boundaries = Arrays.copyOf(snapshotsAscending, snapshotsAscending.length + 1);
    boundaries[snapshotsAscending.length] = Long.MAX_VALUE;
    satisfied = new boolean[boundaries.length];
    this.allowPurge = allowPurge;
    this.nowMillis = nowMillis;
    this.graceMillis = graceMillis;
    this.purgeCheck = purgeCheck;
  }

  /** Records dropped as obsolete or purged so far. */
  public long dropped() {
    return dropped;
  }

  /** Tombstones and expired puts purged so far. */
  public long purged() {
    return purged;
  }

  /**
   * Whether to keep the record; records must come in internal order. The value is needed only to
   * break ties between equal versions when a purge candidate has a peer.
   */
  public boolean keep(
      byte[] k,
      int kLength,
      long version,
      long seqKind,
      long aux,
      byte[] value,
      int valueOffset,
      int valueLength) {
    if (kLength != keyLength || !Arrays.equals(key, 0, keyLength, k, 0, kLength)) {
      if (key.length < kLength) {
        key = Arrays.copyOf(k, Math.max(kLength, key.length * 2));
      } else {
        System.arraycopy(k, 0, key, 0, kLength);
      }
      keyLength = kLength;
      Arrays.fill(satisfied, false);
      haveKept = false;
      dropRest = false;
      purging = false;
    }
    if (dropRest) {
      dropped++;
      return false;
    }
    int kind = InternalKeys.kind(seqKind);
    long expiry = kind == InternalKeys.KIND_PUT_EXPIRING ? aux : 0;
    if (purging) {
      // Records after a purge candidate: older versions are obsolete; an equal version is a tie
      // peer, visible to every reader too (its sequence is lower), and the real winner if it beats
      // the candidate by content.
      if (version != candidateVersion
          || !InternalKeys.beats(
              version,
              kind,
              expiry,
              value,
              valueOffset,
              valueLength,
              candidateVersion,
              candidateKind,
              candidateExpiry,
              candidateValue,
              0,
              candidateValue.length)) {
        dropped++;
        return false;
      }
      if (purgeable(kind, aux) && !purgeCheck.mayExistOutside(k, kLength)) {
        becomeCandidate(version, kind, expiry, value, valueOffset, valueLength);
        dropped++;
        purged++;
        return false;
      }
      purging = false;
      Arrays.fill(satisfied, true);
      haveKept = true;
      lastKeptVersion = version;
      return true;
    }
    long seq = InternalKeys.seq(seqKind);
    boolean first = !haveKept;
    boolean visibleToAll = first && seq <= boundaries[0];
    boolean keep = false;
    for (int j = boundaries.length - 1; j >= 0 && boundaries[j] >= seq; j--) {
      if (!satisfied[j]) {
        satisfied[j] = true;
        keep = true;
      }
    }
    if (!keep && haveKept && version == lastKeptVersion) {
      keep = true;
    }
    if (keep
        && visibleToAll
        && allowPurge
        && purgeable(kind, aux)
        && !purgeCheck.mayExistOutside(k, kLength)) {
      becomeCandidate(version, kind, expiry, value, valueOffset, valueLength);
      dropped++;
      purged++;
      return false;
    }
    if (keep) {
      haveKept = true;
      lastKeptVersion = version;
    } else {
      dropped++;
    }
    return keep;
  }

  private void becomeCandidate(
      long version, int kind, long expiry, byte[] value, int valueOffset, int valueLength) {
    purging = true;
    candidateVersion = version;
    candidateKind = kind;
    candidateExpiry = expiry;
    candidateValue =
        kind == InternalKeys.KIND_TOMBSTONE
            ? new byte[0]
            : Arrays.copyOfRange(value, valueOffset, valueOffset + valueLength);
  }

  private boolean purgeable(int kind, long aux) {
    if (kind == InternalKeys.KIND_PUT) {
      return false;
    }
    if (kind == InternalKeys.KIND_PUT_EXPIRING && aux > nowMillis) {
      return false;
    }
    long due = aux > Long.MAX_VALUE - graceMillis ? Long.MAX_VALUE : aux + graceMillis;
    return due <= nowMillis;
  }
}
