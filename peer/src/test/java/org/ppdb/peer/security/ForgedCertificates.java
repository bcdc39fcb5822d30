package org.ppdb.peer.security;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.identity.NodeIdentity;

/** Certificates an attacker could make, for negative tests. */
final class ForgedCertificates {
  private ForgedCertificates() {}

  /** A certificate self-signed by {@code signer} that claims to be node {@code claimed}. */
  static X509Certificate withSubjectId(NodeIdentity signer, NodeId claimed, SecureRandom random)
      throws Exception {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    var name = NodeCertificates.subjectOf(claimed);
    var builder =
        new JcaX509v3CertificateBuilder(
            name,
            new BigInteger(63, random).add(BigInteger.ONE),
            Date.from(now),
            Date.from(now.plusSeconds(86_400)),
            name,
            signer.toJdkPublicKey());
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("Ed25519").build(signer.toJdkPrivateKey())));
  }
}
