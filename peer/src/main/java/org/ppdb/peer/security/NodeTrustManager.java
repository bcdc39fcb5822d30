package org.ppdb.peer.security;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS trust decision for both directions of a mutual TLS connection between nodes: the peer's
 * leaf certificate must pass {@link NodeCertificates#verify} (its key hashes to the node id it
 * names, and it is signed by a cluster key, or self-signed in an open cluster). There is no CA
 * list, no host name check and no date check: a node is its key, addresses change.
 *
 * <p>Extends {@link X509ExtendedTrustManager} so the JDK uses it as is, rather than wrapping it
 * with host name and PKIX checks that do not apply. Stateless and thread-safe.
 */
final class NodeTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];
  private final ClusterSecurity security;

  NodeTrustManager(ClusterSecurity security) {
    this.security = security;
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("peer presented no certificate");
    }
    NodeCertificates.verify(chain[0], security);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    // Empty: the client then offers its only certificate whatever the server asks for.
    return NO_ISSUERS;
  }
}
