package org.ppdb.gossip;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What gossip knows about one member at one moment: its identity, advertised addresses,
 * incarnation, status and versioned application metadata. This record is also the unit of
 * dissemination: updates piggybacked on probes and the entries of a push-pull exchange are {@code
 * Member} records.
 *
 * <p>Immutable and shared. A record received in a message is stored as is, and a state change makes
 * a new record, so one record may be held by many cores (under the simulator, thousands of cores
 * share one record per member state; that is what keeps the per-observer cost small). The metadata
 * array must not be modified after construction; the constructor does not copy it, for that reason.
 *
 * <p>Precedence: for the same member, record {@code a} overrides {@code b} when {@code
 * a.incarnation > b.incarnation}, or when they are equal and {@code a.status} comes later in {@link
 * MemberStatus} (alive &lt; suspect &lt; dead &lt; left). Only the member itself raises its
 * incarnation: to refute a suspicion, to rejoin after a restart, or to publish new metadata.
 *
 * @param id the member's identity
 * @param addresses its advertised addresses, 1 to {@link #ADDRESSES_MAX}; probes go to the first
 * @param incarnation the member's incarnation number, {@code >= 0}
 * @param status the member's status
 * @param metadataVersion version of {@code metadata}, {@code >= 0}; raised with every change
 * @param metadata opaque application metadata, at most {@link #METADATA_BYTES_MAX} bytes
 * @param reporter for {@link MemberStatus#SUSPECT} and {@link MemberStatus#DEAD}: the member that
 *     suspected or declared it; otherwise null. Lifeguard counts distinct reporters as independent
 *     confirmations of a suspicion.
 */
public record Member(
    MemberId id,
    List<Address> addresses,
    long incarnation,
    MemberStatus status,
    long metadataVersion,
    byte[] metadata,
    MemberId reporter) {

  /** Most advertised addresses per member. */
  public static final int ADDRESSES_MAX = 4;

  /** Hard cap of metadata, in bytes; {@link SwimConfig#metadataBytesMax()} may be lower. */
  public static final int METADATA_BYTES_MAX = 1024;

  private static final byte[] NO_METADATA = new byte[0];

  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(addresses, "addresses");
    Objects.requireNonNull(status, "status");
    if (addresses.isEmpty() || addresses.size() > ADDRESSES_MAX) {
      throw new IllegalArgumentException(
          "addresses: " + addresses.size() + " (expected: 1.." + ADDRESSES_MAX + ")");
    }
    addresses = List.copyOf(addresses);
    if (incarnation < 0) {
      throw new IllegalArgumentException("incarnation: " + incarnation + " (expected: >= 0)");
    }
    if (metadataVersion < 0) {
      throw new IllegalArgumentException(
          "metadataVersion: " + metadataVersion + " (expected: >= 0)");
    }
    if (metadata == null) {
      metadata = NO_METADATA;
    }
    if (metadata.length > METADATA_BYTES_MAX) {
      throw new IllegalArgumentException(
          "metadata: " + metadata.length + " bytes (expected: <= " + METADATA_BYTES_MAX + ")");
    }
    if (status == MemberStatus.ALIVE || status == MemberStatus.LEFT) {
      reporter = null;
    }
  }

  /** An alive record with no metadata at incarnation 0; convenient for hosts and tests. */
  public static Member alive(MemberId id, Address address) {
    return new Member(id, List.of(address), 0, MemberStatus.ALIVE, 0, NO_METADATA, null);
  }

  /** The address probes and replies go to. */
  public Address address() {
    return addresses.get(0);
  }

  /** This record with another status and reporter, same incarnation and metadata. */
  public Member withStatus(MemberStatus newStatus, MemberId newReporter) {
    return new Member(
        id, addresses, incarnation, newStatus, metadataVersion, metadata, newReporter);
  }

  /** True when this record overrides {@code other} about the same member (see class comment). */
  public boolean overrides(Member other) {
    return overrides(incarnation, status, other);
  }

  static boolean overrides(long incarnation, MemberStatus status, Member other) {
    return incarnation > other.incarnation
        || (incarnation == other.incarnation && status.compareTo(other.status) > 0);
  }

  /** Upper bound of this record's size in the compact encoding (see {@link SwimMessage}). */
  public int encodedSizeBytes() {
    int size = id.encodedSizeBytes() + 1; // id, then the address count
    for (int i = 0; i < addresses.size(); i++) {
      size += addresses.get(i).encodedSizeBytes();
    }
    size += Encoding.varLongSize(incarnation) + 1 + Encoding.varLongSize(metadataVersion);
    size += Encoding.varIntSize(metadata.length) + metadata.length;
    size += reporter == null ? 1 : reporter.encodedSizeBytes();
    return size;
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof Member m
            && m.incarnation == incarnation
            && m.metadataVersion == metadataVersion
            && m.status == status
            && m.id.equals(id)
            && m.addresses.equals(addresses)
            && Arrays.equals(m.metadata, metadata)
            && Objects.equals(m.reporter, reporter));
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, incarnation, status, metadataVersion);
  }

  @Override
  public String toString() {
    return id
        + "@"
        + address()
        + " inc="
        + incarnation
        + " "
        + status
        + (reporter == null ? "" : " by " + reporter)
        + (metadataVersion == 0 && metadata.length == 0
            ? ""
            : " meta=v" + metadataVersion + "/" + metadata.length + "B");
  }
}
