package org.ppdb.peer.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.ppdb.peer.identity.NodeId;

/**
 * Frames a datagram payload for the wire and checks received datagrams, before anything is
 * deserialized. Layouts (all integers big-endian; docs/wire-protocol.md, "Datagrams"):
 *
 * <pre>
 * sealed (with a cluster secret):
 *   0  2  magic 0x50 0x44 ("PD")
 *   2  1  version 1
 *   3  1  kind 1 = sealed
 *   4  4  key id of the sealing key
 *   8 12  nonce, random
 *  20  n+28+16  AES-256-GCM(key, nonce, aad = bytes 0..19 || UTF-8(cluster name),
 *               plaintext = timestamp millis (8) || sender node id (20) || payload (n))
 *               followed by the 16-byte tag
 *
 * open (no secret):
 *   0  2  magic, 2 1 version 1, 3 1 kind 0 = open
 *   4  4  cluster tag (see ClusterSecurity#clusterTag)
 *   8 20  sender node id
 *  28  8  timestamp millis
 *  36  n  payload
 *  36+n 4 CRC-32C of bytes 0..35+n
 * </pre>
 *
 * <p>Opening a sealed datagram checks, in this order: size and header, key id in the keyring,
 * AES-GCM tag (which covers the header, the cluster name, the timestamp, the sender and the
 * payload), then the {@link ReplayWindow}. Only then is the payload handed on. Open datagrams are
 * checked for size, header, cluster tag and checksum only: without a secret there is nothing to
 * authenticate with, and replay protection would be theatre.
 *
 * <p>Thread-safe: a new {@link Cipher} is made per call (about a microsecond), the replay window is
 * synchronized. AES-GCM with random 96-bit nonces stays within NIST SP 800-38D's bound on the
 * probability of a nonce collision (2^-32) for 2^32 datagrams per key across the whole cluster;
 * rotate the secret before that (years at gossip rates of tens of datagrams per second).
 */
public final class DatagramSealer {
  /** First two bytes of every datagram. */
  public static final int MAGIC = 0x5044;

  /** Current datagram format version. */
  public static final int VERSION = 1;

  static final int KIND_OPEN = 0;
  static final int KIND_SEALED = 1;
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  static final int SEALED_HEADER_BYTES = 4 + 4 + NONCE_BYTES;
  static final int INNER_HEADER_BYTES = 8 + NodeId.LENGTH_BYTES;
  static final int OPEN_HEADER_BYTES = 4 + 4 + NodeId.LENGTH_BYTES + 8;
  static final int CHECKSUM_BYTES = 4;

  /** Bytes a sealed datagram adds to its payload. */
  public static final int SEALED_OVERHEAD_BYTES =
      SEALED_HEADER_BYTES + INNER_HEADER_BYTES + TAG_BYTES;

  /** Bytes an open datagram adds to its payload. */
  public static final int OPEN_OVERHEAD_BYTES = OPEN_HEADER_BYTES + CHECKSUM_BYTES;

  /** Why a datagram was or was not accepted; each rejection is counted separately. */
  public enum Outcome {
    ACCEPTED,
    /** Too short, wrong magic, version or kind. */
    MALFORMED,
    /** Open datagram whose cluster tag is another cluster's. */
    WRONG_CLUSTER,
    /** Open datagram whose CRC-32C does not match. */
    CHECKSUM_MISMATCH,
    /** An open datagram reached a node that requires sealing. */
    NOT_SEALED,
    /** A sealed datagram reached an open node, which has no key to open it. */
    UNEXPECTED_SEAL,
    /** Sealed with a key id this node's keyring does not hold. */
    UNKNOWN_KEY,
    /** The AES-GCM tag did not verify: wrong secret, wrong cluster, or tampered bytes. */
    AUTHENTICATION_FAILED,
    /** Authentic, but accepted before. */
    REPLAYED,
    /** Authentic, but its timestamp is outside the replay window. */
    STALE
  }

  /** The result of {@link #open}: the outcome and, if accepted, what the datagram carried. */
  public record Opened(Outcome outcome, NodeId sender, long timestampMillis, byte[] payload) {
    static Opened rejected(Outcome outcome) {
      return new Opened(outcome, null, 0, null);
    }

    /** True iff the datagram may be decoded. */
    public boolean accepted() {
      return outcome == Outcome.ACCEPTED;
    }
  }

  private final ClusterSecurity security;
  private final NodeId self;
  private final SecureRandom random;
  private final ReplayWindow replayWindow;
  private final byte[] clusterNameBytes;

  /**
   * @param self the sender id written into sealed and open datagrams
   * @param random nonce source; must be a {@link SecureRandom}, nonces must never repeat
   * @param replayWindow consulted for sealed datagrams; not used by open clusters
   */
  public DatagramSealer(
      ClusterSecurity security, NodeId self, SecureRandom random, ReplayWindow replayWindow) {
    this.security = security;
    this.self = self;
    this.random = random;
    this.replayWindow = replayWindow;
    this.clusterNameBytes = security.clusterName().getBytes(StandardCharsets.UTF_8);
  }

  /** Bytes this sealer adds to a payload. */
  public int overheadBytes() {
    return security.isOpen() ? OPEN_OVERHEAD_BYTES : SEALED_OVERHEAD_BYTES;
  }

  /**
   * Frames {@code payload} (sealed with the primary key, or open) stamped with {@code nowMillis}.
   */
  public byte[] seal(byte[] payload, long nowMillis) {
    Optional<ClusterKeyring> keyring = security.keyring();
    if (keyring.isEmpty()) {
      ByteBuffer out = ByteBuffer.allocate(OPEN_OVERHEAD_BYTES + payload.length);
      out.putShort((short) MAGIC).put((byte) VERSION).put((byte) KIND_OPEN);
      out.put(security.clusterTag());
      out.put(self.toBytes()).putLong(nowMillis).put(payload);
      out.putInt(crc32c(out.array(), out.position()));
      return out.array();
    }
    ClusterKey key = keyring.get().primary();
    byte[] out = new byte[SEALED_OVERHEAD_BYTES + payload.length];
    ByteBuffer header = ByteBuffer.wrap(out);
    header.putShort((short) MAGIC).put((byte) VERSION).put((byte) KIND_SEALED);
    header.putInt(key.keyId());
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    header.put(nonce);
    byte[] plaintext = new byte[INNER_HEADER_BYTES + payload.length];
    ByteBuffer inner = ByteBuffer.wrap(plaintext);
    inner.putLong(nowMillis).put(self.toBytes()).put(payload);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          key.datagramKey(),
          new GCMParameterSpec(TAG_BYTES * 8, out, 8, NONCE_BYTES));
      cipher.updateAAD(out, 0, SEALED_HEADER_BYTES);
      cipher.updateAAD(clusterNameBytes);
      int written = cipher.doFinal(plaintext, 0, plaintext.length, out, SEALED_HEADER_BYTES);
      if (written != plaintext.length + TAG_BYTES) {
        throw new IllegalStateException("AES-GCM wrote " + written + " bytes");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every Java platform", e);
    }
    return out;
  }

  /**
   * Checks a received datagram. Never throws on malformed or hostile input: every problem is an
   * {@link Outcome}. Does not modify {@code datagram}.
   */
  public Opened open(byte[] datagram, long nowMillis) {
    if (datagram.length < 4) {
      return Opened.rejected(Outcome.MALFORMED);
    }
    ByteBuffer in = ByteBuffer.wrap(datagram);
    if ((in.getShort() & 0xffff) != MAGIC || in.get() != VERSION) {
      return Opened.rejected(Outcome.MALFORMED);
    }
    int kind = in.get();
    if (kind == KIND_OPEN) {
      return security.isOpen() ? openPlain(datagram, in) : Opened.rejected(Outcome.NOT_SEALED);
    }
    if (kind != KIND_SEALED) {
      return Opened.rejected(Outcome.MALFORMED);
    }
    if (security.isOpen()) {
      return Opened.rejected(Outcome.UNEXPECTED_SEAL);
    }
    if (datagram.length < SEALED_OVERHEAD_BYTES) {
      return Opened.rejected(Outcome.MALFORMED);
    }
    Optional<ClusterKey> key = security.keyring().orElseThrow().find(in.getInt());
    if (key.isEmpty()) {
      return Opened.rejected(Outcome.UNKNOWN_KEY);
    }
    byte[] plaintext;
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          key.get().datagramKey(),
          new GCMParameterSpec(TAG_BYTES * 8, datagram, 8, NONCE_BYTES));
      cipher.updateAAD(datagram, 0, SEALED_HEADER_BYTES);
      cipher.updateAAD(clusterNameBytes);
      plaintext =
          cipher.doFinal(datagram, SEALED_HEADER_BYTES, datagram.length - SEALED_HEADER_BYTES);
    } catch (AEADBadTagException e) {
      return Opened.rejected(Outcome.AUTHENTICATION_FAILED);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required by every Java platform", e);
    }
    ByteBuffer inner = ByteBuffer.wrap(plaintext);
    long timestampMillis = inner.getLong();
    byte[] sender = new byte[NodeId.LENGTH_BYTES];
    inner.get(sender);
    switch (replayWindow.check(timestampMillis, datagram, 8, nowMillis)) {
      case REPLAYED:
        return Opened.rejected(Outcome.REPLAYED);
      case STALE:
        return Opened.rejected(Outcome.STALE);
      default:
        break;
    }
    byte[] payload = Arrays.copyOfRange(plaintext, INNER_HEADER_BYTES, plaintext.length);
    return new Opened(Outcome.ACCEPTED, NodeId.of(sender), timestampMillis, payload);
  }

  private Opened openPlain(byte[] datagram, ByteBuffer in) {
    if (datagram.length < OPEN_OVERHEAD_BYTES) {
      return Opened.rejected(Outcome.MALFORMED);
    }
    int end = datagram.length - CHECKSUM_BYTES;
    if (ByteBuffer.wrap(datagram, end, CHECKSUM_BYTES).getInt() != crc32c(datagram, end)) {
      return Opened.rejected(Outcome.CHECKSUM_MISMATCH);
    }
    byte[] tag = new byte[4];
    in.get(tag);
    if (!MessageDigest.isEqual(tag, security.clusterTag())) {
      return Opened.rejected(Outcome.WRONG_CLUSTER);
    }
    byte[] sender = new byte[NodeId.LENGTH_BYTES];
    in.get(sender);
    long timestampMillis = in.getLong();
    byte[] payload = Arrays.copyOfRange(datagram, OPEN_HEADER_BYTES, end);
    return new Opened(Outcome.ACCEPTED, NodeId.of(sender), timestampMillis, payload);
  }

  private static int crc32c(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }
}
