package org.ppdb.peer.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * A node's long-lived Ed25519 key pair (made with Bouncy Castle's lightweight API) and the {@link
 * NodeId} derived from its public key.
 *
 * <p>Instances are immutable and thread-safe; {@link #sign} costs about 50 µs. Make one with {@link
 * #generate} or load one with {@link IdentityStore#loadOrCreate}. The private key never leaves this
 * object except as a JDK {@link PrivateKey} for the TLS stack ({@link #toJdkPrivateKey}).
 */
public final class NodeIdentity {
  /** Length of a raw Ed25519 private key (the RFC 8032 seed). */
  public static final int PRIVATE_KEY_BYTES = Ed25519PrivateKeyParameters.KEY_SIZE;

  /** Length of a raw Ed25519 public key. */
  public static final int PUBLIC_KEY_BYTES = Ed25519PublicKeyParameters.KEY_SIZE;

  /** Length of an Ed25519 signature. */
  public static final int SIGNATURE_BYTES = Ed25519PrivateKeyParameters.SIGNATURE_SIZE;

  private final Ed25519PrivateKeyParameters privateKey;
  private final byte[] publicKey;
  private final NodeId nodeId;

  private NodeIdentity(Ed25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = privateKey.generatePublicKey().getEncoded();
    this.nodeId = NodeId.ofPublicKey(publicKey);
  }

  /** Makes a fresh key pair from {@code random} (a {@link SecureRandom} in production). */
  public static NodeIdentity generate(SecureRandom random) {
    return new NodeIdentity(new Ed25519PrivateKeyParameters(random));
  }

  /**
   * Rebuilds an identity from its 32-byte private key (the RFC 8032 seed); the public key is
   * derived from it.
   */
  public static NodeIdentity fromPrivateKey(byte[] rawPrivateKey) {
    if (rawPrivateKey.length != PRIVATE_KEY_BYTES) {
      throw new IllegalArgumentException(
          "Ed25519 private key length: "
              + rawPrivateKey.length
              + " (expected: "
              + PRIVATE_KEY_BYTES
              + ")");
    }
    return new NodeIdentity(new Ed25519PrivateKeyParameters(rawPrivateKey, 0));
  }

  /** The node id: SHA-256 of {@link #publicKey()}, first 160 bits. */
  public NodeId nodeId() {
    return nodeId;
  }

  /** A copy of the raw 32-byte public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** A copy of the raw 32-byte private key; only {@link IdentityStore} should need it. */
  byte[] privateKeyBytes() {
    return privateKey.getEncoded();
  }

  /** Signs {@code message} with the node's private key (pure Ed25519, no pre-hash). */
  public byte[] sign(byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateKey);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  /** Checks an Ed25519 signature made by the owner of {@code rawPublicKey}. */
  public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
    if (rawPublicKey.length != PUBLIC_KEY_BYTES || signature.length != SIGNATURE_BYTES) {
      return false;
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(rawPublicKey, 0));
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }

  /** The private key as a JDK key (algorithm "Ed25519"), for the JDK TLS stack. */
  public PrivateKey toJdkPrivateKey() {
    try {
      byte[] pkcs8 = PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey).getEncoded();
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK 15+ supports Ed25519 keys", e);
    }
  }

  /** The public key as a JDK key (algorithm "Ed25519"). */
  public PublicKey toJdkPublicKey() {
    try {
      byte[] spki =
          SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(
                  new Ed25519PublicKeyParameters(publicKey, 0))
              .getEncoded();
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JDK 15+ supports Ed25519 keys", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeIdentity other && Arrays.equals(publicKey, other.publicKey);
  }

  @Override
  public int hashCode() {
    return nodeId.hashCode();
  }

  /** Shows the node id only, never key material. */
  @Override
  public String toString() {
    return "NodeIdentity(" + nodeId.toHex() + ")";
  }
}
