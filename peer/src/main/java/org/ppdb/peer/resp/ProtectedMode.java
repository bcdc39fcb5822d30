package org.ppdb.peer.resp;

import java.net.InetAddress;

/**
 * Redis' protected mode for the client port (DESIGN.md, principle 7): a server that has neither a
 * password nor an explicitly configured bind address listens on loopback only, and also refuses any
 * connection that does not come from a loopback address. A password or an explicit bind address is
 * the operator's statement that the port may be reachable from elsewhere.
 *
 * <p>Stateless and thread-safe; the peer's configuration calls {@link #resolve} once at start.
 */
public final class ProtectedMode {
  /** The address listened on when protected mode applies. */
  public static final String LOOPBACK_ADDRESS = "127.0.0.1";

  /** The address listened on with a password and no explicit bind: every interface. */
  public static final String WILDCARD_ADDRESS = "0.0.0.0";

  private ProtectedMode() {}

  /**
   * The result of {@link #resolve}.
   *
   * @param host the address to listen on
   * @param protectedMode whether non-loopback clients must be refused ({@link
   *     RespConfig.Builder#protectedMode})
   */
  public record ClientBind(String host, boolean protectedMode) {}

  /**
   * Where the client port listens.
   *
   * @param explicitBind the configured bind address, or {@code null}/blank if none was given
   * @param passwordSet whether a client password is configured
   */
  public static ClientBind resolve(String explicitBind, boolean passwordSet) {
    if (explicitBind != null && !explicitBind.isBlank()) {
      return new ClientBind(explicitBind.strip(), false);
    }
    if (passwordSet) {
      return new ClientBind(WILDCARD_ADDRESS, false);
    }
    return new ClientBind(LOOPBACK_ADDRESS, true);
  }

  /** Whether a client from {@code remote} may connect when protected mode is {@code active}. */
  public static boolean admits(boolean active, InetAddress remote) {
    return !active || remote == null || remote.isLoopbackAddress();
  }

  /** The error sent to a refused client (Redis' wording, shortened, with ppdb's options). */
  static final String DENIED_MESSAGE =
      "DENIED ppdb is running in protected mode because no client password is set and no bind"
          + " address was given explicitly. In this mode connections are only accepted from the"
          + " loopback interface. Set a password (--requirepass) or bind an address explicitly"
          + " (--client-bind) to accept connections from other hosts.";
}
