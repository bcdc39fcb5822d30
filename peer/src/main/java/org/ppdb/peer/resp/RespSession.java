package org.ppdb.peer.resp;

import java.net.SocketAddress;
import org.ppdb.peer.api.Consistency;

/**
 * The state of one client connection: its id and name, whether it authenticated, and its
 * consistency level.
 *
 * <p>Written only by the connection's event loop (commands run there in arrival order); read by
 * other connections' {@code CLIENT LIST} and by INFO, hence volatile fields.
 */
final class RespSession {
  final long id;
  final SocketAddress remote;
  final SocketAddress local;
  final long createdAtMillis;
  private volatile String name;
  private volatile String libraryName;
  private volatile String libraryVersion;
  private volatile boolean authenticated;
  private volatile Consistency consistency;
  private volatile String lastCommand = "NULL";
  private volatile long commands;

  RespSession(
      long id,
      SocketAddress remote,
      SocketAddress local,
      long createdAtMillis,
      boolean authenticated,
      Consistency consistency) {
    this.id = id;
    this.remote = remote;
    this.local = local;
    this.createdAtMillis = createdAtMillis;
    this.authenticated = authenticated;
    this.consistency = consistency;
  }

  String name() {
    return name;
  }

  void name(String name) {
    this.name = name;
  }

  void library(String name, String version) {
    if (name != null) {
      this.libraryName = name;
    }
    if (version != null) {
      this.libraryVersion = version;
    }
  }

  boolean authenticated() {
    return authenticated;
  }

  void authenticate() {
    authenticated = true;
  }

  Consistency consistency() {
    return consistency;
  }

  void consistency(Consistency consistency) {
    this.consistency = consistency;
  }

  void recordCommand(String commandName) {
    lastCommand = commandName;
    commands++;
  }

  /** One line of {@code CLIENT LIST} / {@code CLIENT INFO}, in Redis' field style. */
  String describe(long nowMillis) {
    String n = name;
    String lib = libraryName;
    String ver = libraryVersion;
    return "id="
        + id
        + " addr="
        + address(remote)
        + " laddr="
        + address(local)
        + " name="
        + (n == null ? "" : n)
        + " age="
        + Math.max(0, (nowMillis - createdAtMillis) / 1000)
        + " db=0 cmd="
        + lastCommand
        + " commands="
        + commands
        + " consistency="
        + consistency
        + " user=default lib-name="
        + (lib == null ? "" : lib)
        + " lib-ver="
        + (ver == null ? "" : ver)
        + " resp=2";
  }

  private static String address(SocketAddress a) {
    if (a instanceof java.net.InetSocketAddress i) {
      return i.getAddress() == null
          ? i.getHostString() + ":" + i.getPort()
          : i.getAddress().getHostAddress() + ":" + i.getPort();
    }
    return String.valueOf(a);
  }
}
