package org.ppdb.peer.security;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.identity.NodeIdentity;

/**
 * Makes and reads the X.509 certificates nodes present in mutual TLS 1.3 (Bouncy Castle builds
 * them; the JDK parses and verifies them).
 *
 * <p>A node certificate holds the node's own Ed25519 public key and names its node id as subject
 * {@code CN=<40 hex digits>, O=ppdb}. In a secured cluster it is signed by the cluster CA whose
 * Ed25519 key every holder of the secret derives ({@link ClusterKey}), issuer {@code CN=ppdb
 * cluster CA <key id hex>, O=ppdb}; in an open cluster it is self-signed. It is made afresh at
 * every start, valid from one day before to {@value #VALIDITY_YEARS} years after; peers do not
 * check the dates (the binding to the key and the secret is what matters, and clocks may be
 * skewed).
 *
 * <p>Static methods, thread-safe; making a certificate costs well under a millisecond.
 */
public final class NodeCertificates {
  static final int VALIDITY_YEARS = 20;

  private NodeCertificates() {}

  /**
   * Makes {@code identity}'s certificate: signed by the primary cluster key's CA if {@code
   * security} is secured, else self-signed.
   */
  public static X509Certificate issue(
      NodeIdentity identity, ClusterSecurity security, Instant now, SecureRandom random) {
    X500Name subject = subjectOf(identity.nodeId());
    NodeIdentity signer = identity;
    X500Name issuer = subject;
    if (security.keyring().isPresent()) {
      ClusterKey key = security.keyring().get().primary();
      signer = key.certificateAuthority();
      issuer = new X500Name("CN=ppdb cluster CA " + key.keyIdHex() + ",O=ppdb");
    }
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              new BigInteger(63, random).add(BigInteger.ONE),
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(now.plus(Duration.ofDays(365L * VALIDITY_YEARS))),
              subject,
              identity.toJdkPublicKey());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("Ed25519").build(signer.toJdkPrivateKey())));
    } catch (CertIOException | OperatorCreationException | CertificateException e) {
      throw new IllegalStateException("cannot make a node certificate", e);
    }
  }

  /**
   * Checks that {@code certificate} is a node certificate whose Ed25519 key hashes to the node id
   * it names, and that it is signed by a key of the cluster (secured) or by itself (open). Returns
   * the node id.
   *
   * @throws CertificateException saying what is wrong
   */
  public static NodeId verify(X509Certificate certificate, ClusterSecurity security)
      throws CertificateException {
    NodeId claimed = claimedNodeId(certificate);
    byte[] rawKey = rawEd25519Key(certificate.getPublicKey());
    NodeId actual = NodeId.ofPublicKey(rawKey);
    if (!actual.equals(claimed)) {
      throw new CertificateException(
          "certificate claims node id "
              + claimed.toHex()
              + " but its key hashes to "
              + actual.toHex());
    }
    if (security.keyring().isEmpty()) {
      if (!verifies(certificate, certificate.getPublicKey())) {
        throw new CertificateException(
            "certificate of node " + claimed.toShortHex() + " is not validly self-signed");
      }
      return actual;
    }
    for (ClusterKey key : security.keyring().get().keys()) {
      if (verifies(certificate, key.certificateAuthorityPublicKey())) {
        return actual;
      }
    }
    throw new CertificateException(
        "certificate of node "
            + claimed.toShortHex()
            + " is not signed by any key of cluster '"
            + security.clusterName()
            + "' (issuer "
            + certificate.getIssuerX500Principal().getName()
            + "): the peer does not hold this cluster's secret");
  }

  /**
   * The node id named by a certificate already checked by {@link #verify} (during the handshake).
   */
  public static NodeId claimedNodeId(X509Certificate certificate) throws CertificateException {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    RDN[] names = subject.getRDNs(BCStyle.CN);
    if (names.length != 1) {
      throw new CertificateException("certificate subject needs exactly one CN: " + subject);
    }
    ASN1Encodable value = names[0].getFirst().getValue();
    String hex = IETFUtils.valueToString(value);
    try {
      return NodeId.fromHex(hex);
    } catch (IllegalArgumentException e) {
      throw new CertificateException("certificate CN is not a node id: " + hex, e);
    }
  }

  static X500Name subjectOf(NodeId nodeId) {
    return new X500Name("CN=" + nodeId.toHex() + ",O=ppdb");
  }

  static byte[] rawEd25519Key(PublicKey key) throws CertificateException {
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
    } catch (IllegalArgumentException e) {
      throw new CertificateException("certificate key cannot be parsed", e);
    }
    if (!EdECObjectIdentifiers.id_Ed25519.equals(info.getAlgorithm().getAlgorithm())) {
      throw new CertificateException(
          "certificate key algorithm " + key.getAlgorithm() + " (expected: Ed25519)");
    }
    byte[] raw = info.getPublicKeyData().getBytes();
    if (raw.length != NodeIdentity.PUBLIC_KEY_BYTES) {
      throw new CertificateException("certificate key length: " + raw.length + " (expected: 32)");
    }
    return raw;
  }

  private static boolean verifies(X509Certificate certificate, PublicKey key) {
    try {
      certificate.verify(key);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
