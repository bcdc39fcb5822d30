package org.ppdb.peer.security;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.ppdb.peer.identity.NodeIdentity;

/**
 * The keys derived from one cluster secret for one cluster name, with HKDF-SHA256 (RFC 5869):
 *
 * <ul>
 *   <li>a 32-bit key id, sent in clear in every sealed datagram header so the receiver knows which
 *       key of its {@link ClusterKeyring} to try;
 *   <li>an AES-256 key that seals datagrams with AES-GCM;
 *   <li>the Ed25519 key of the cluster's certificate authority, which signs each node's TLS
 *       certificate so that only holders of the secret can complete a TLS handshake.
 * </ul>
 *
 * <p>Derivation: {@code HKDF-SHA256(ikm = secret, salt = "ppdb-cluster-secret-v1", info = label ||
 * 0x00 || UTF-8(cluster name))} with the labels {@code "ppdb v1 key id"} (4 bytes), {@code "ppdb v1
 * datagram aes-256-gcm"} (32 bytes) and {@code "ppdb v1 cluster ca ed25519"} (32 bytes). Because
 * the cluster name enters every derivation, the same secret used by two clusters gives unrelated
 * keys. Immutable and thread-safe; derivation costs a few microseconds and happens once.
 */
public final class ClusterKey {
  static final byte[] SALT = "ppdb-cluster-secret-v1".getBytes(StandardCharsets.US_ASCII);

  private final int keyId;
  private final SecretKey datagramKey;
  private final NodeIdentity certificateAuthority;

  private ClusterKey(int keyId, SecretKey datagramKey, NodeIdentity certificateAuthority) {
    this.keyId = keyId;
    this.datagramKey = datagramKey;
    this.certificateAuthority = certificateAuthority;
  }

  /** Derives the keys of {@code secret} for {@code clusterName}. */
  static ClusterKey derive(byte[] secret, String clusterName) {
    byte[] id = hkdf(secret, "ppdb v1 key id", clusterName, 4);
    int keyId =
        ((id[0] & 0xff) << 24) | ((id[1] & 0xff) << 16) | ((id[2] & 0xff) << 8) | id[3] & 0xff;
    SecretKey aes =
        new SecretKeySpec(hkdf(secret, "ppdb v1 datagram aes-256-gcm", clusterName, 32), "AES");
    NodeIdentity ca =
        NodeIdentity.fromPrivateKey(hkdf(secret, "ppdb v1 cluster ca ed25519", clusterName, 32));
    return new ClusterKey(keyId, aes, ca);
  }

  static byte[] hkdf(byte[] secret, String label, String clusterName, int length) {
    byte[] labelBytes = label.getBytes(StandardCharsets.US_ASCII);
    byte[] name = clusterName.getBytes(StandardCharsets.UTF_8);
    byte[] info = new byte[labelBytes.length + 1 + name.length];
    System.arraycopy(labelBytes, 0, info, 0, labelBytes.length);
    System.arraycopy(name, 0, info, labelBytes.length + 1, name.length);
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(secret, SALT, info));
    byte[] out = new byte[length];
    hkdf.generateBytes(out, 0, length);
    return out;
  }

  /** The 32-bit id of this key, as carried in sealed datagram headers. */
  public int keyId() {
    return keyId;
  }

  /** The key id as 8 hex characters, for logs. */
  public String keyIdHex() {
    return HexFormat.of().toHexDigits(keyId);
  }

  /** The AES-256 key for sealing datagrams. */
  SecretKey datagramKey() {
    return datagramKey;
  }

  /** The cluster CA key pair, derived from the secret; signs node certificates. */
  NodeIdentity certificateAuthority() {
    return certificateAuthority;
  }

  /** The public key of the cluster CA, against which peers' certificates are checked. */
  PublicKey certificateAuthorityPublicKey() {
    return certificateAuthority.toJdkPublicKey();
  }

  /** Shows the key id only. */
  @Override
  public String toString() {
    return "ClusterKey(" + keyIdHex() + ")";
  }
}
