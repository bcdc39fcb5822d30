package org.ppdb.peer.resp;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The commands of the front end with the metadata Redis publishes through {@code COMMAND}: arity
 * (positive: exact argument count including the name; negative: at least that many), flags, and the
 * positions of key arguments (first, last, step; last -1 means the final argument).
 *
 * <p>The handler uses the same table to check arity, to decide which commands run before
 * authentication, and to find a command's keys so that pipelined commands on the same key run in
 * order. Declaration order is the order of {@code COMMAND} replies.
 */
enum CommandSpec {
  PING("ping", -1, 0, 0, 0, "connection", "1.0.0", "Returns the server's liveliness response.", 0),
  ECHO("echo", 2, 0, 0, 0, "connection", "1.0.0", "Returns the given string.", 0),
  SELECT("select", 2, 0, 0, 0, "connection", "2.0.0", "Changes the selected database (0 only).", 0),
  AUTH("auth", -2, 0, 0, 0, "connection", "1.0.0", "Authenticates the connection.", Flag.NO_AUTH),
  HELLO("hello", -1, 0, 0, 0, "connection", "6.0.0", "Handshakes with the server.", Flag.NO_AUTH),
  QUIT("quit", -1, 0, 0, 0, "connection", "1.0.0", "Closes the connection.", Flag.NO_AUTH),
  CLIENT(
      "client", -2, 0, 0, 0, "connection", "2.4.0", "Connection management (ID, SETNAME, ...).", 0),
  GET("get", 2, 1, 1, 1, "string", "1.0.0", "Returns the string value of a key.", Flag.READ),
  SET(
      "set",
      -3,
      1,
      1,
      1,
      "string",
      "1.0.0",
      "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
      Flag.WRITE),
  GETDEL(
      "getdel",
      2,
      1,
      1,
      1,
      "string",
      "6.2.0",
      "Returns the value of a key and deletes it.",
      Flag.WRITE),
  MGET(
      "mget", -2, 1, -1, 1, "string", "1.0.0", "Atomically returns the values of keys.", Flag.READ),
  MSET("mset", -3, 1, -1, 2, "string", "1.0.1", "Sets the values of multiple keys.", Flag.WRITE),
  DEL("del", -2, 1, -1, 1, "generic", "1.0.0", "Deletes one or more keys.", Flag.WRITE),
  EXISTS(
      "exists",
      -2,
      1,
      -1,
      1,
      "generic",
      "1.0.0",
      "Determines whether one or more keys exist.",
      Flag.READ),
  EXPIRE(
      "expire",
      -3,
      1,
      1,
      1,
      "generic",
      "1.0.0",
      "Sets the expiration time of a key in seconds.",
      Flag.WRITE),
  PEXPIRE(
      "pexpire",
      -3,
      1,
      1,
      1,
      "generic",
      "2.6.0",
      "Sets the expiration time of a key in milliseconds.",
      Flag.WRITE),
  TTL(
      "ttl",
      2,
      1,
      1,
      1,
      "generic",
      "1.0.0",
      "Returns the expiration time in seconds of a key.",
      Flag.READ),
  PTTL(
      "pttl",
      2,
      1,
      1,
      1,
      "generic",
      "2.6.0",
      "Returns the expiration time in milliseconds of a key.",
      Flag.READ),
  PERSIST(
      "persist",
      2,
      1,
      1,
      1,
      "generic",
      "2.2.0",
      "Removes the expiration time of a key.",
      Flag.WRITE),
  TYPE(
      "type",
      2,
      1,
      1,
      1,
      "generic",
      "1.0.0",
      "Determines the type of value stored at a key.",
      Flag.READ),
  SCAN(
      "scan",
      -2,
      0,
      0,
      0,
      "generic",
      "2.8.0",
      "Iterates over the key names in the database.",
      Flag.READ | Flag.BARRIER),
  DBSIZE(
      "dbsize",
      1,
      0,
      0,
      0,
      "server",
      "1.0.0",
      "Returns an estimate of the number of keys.",
      Flag.READ | Flag.BARRIER),
  INFO(
      "info",
      -1,
      0,
      0,
      0,
      "server",
      "1.0.0",
      "Returns information and statistics about the server.",
      0),
  COMMAND(
      "command",
      -1,
      0,
      0,
      0,
      "server",
      "2.8.13",
      "Returns detailed information about commands.",
      0),
  PPDB_CONSISTENCY(
      "ppdb.consistency",
      -1,
      0,
      0,
      0,
      "ppdb",
      "0.1.0",
      "Shows or sets the consistency (ONE, QUORUM, ALL) of this connection's requests.",
      0),
  PPDB_AT(
      "ppdb.at",
      -3,
      0,
      0,
      0,
      "ppdb",
      "0.1.0",
      "Runs one command at the given consistency: PPDB.AT ALL GET key.",
      0),
  PPDB_VERSION(
      "ppdb.version",
      -4,
      0,
      0,
      0,
      "ppdb",
      "0.1.0",
      "Runs a SET or DEL with the version its client stamped it with: PPDB.VERSION v SET key value.",
      0),
  PPDB_RING(
      "ppdb.ring",
      1,
      0,
      0,
      0,
      "ppdb",
      "0.1.0",
      "Describes the ring: which ranges each peer owns.",
      0),
  PPDB_TOPOLOGY(
      "ppdb.topology",
      1,
      0,
      0,
      0,
      "ppdb",
      "0.1.0",
      "Returns the replication factor and every member's client address, state and tokens.",
      0);

  /** Flag bits. */
  static final class Flag {
    static final int READ = 1;
    static final int WRITE = 2;

    /** Runs before authentication. */
    static final int NO_AUTH = 4;

    /** Waits for every earlier command of the connection, and later ones wait for it. */
    static final int BARRIER = 8;

    private Flag() {}
  }

  private static final Map<String, CommandSpec> BY_NAME = new HashMap<>();

  static {
    for (CommandSpec c : values()) {
      // Clients send either case; both are looked up without allocating a lowered copy.
      BY_NAME.put(c.commandName, c);
      BY_NAME.put(c.commandName.toUpperCase(Locale.ROOT), c);
    }
  }

  final String commandName;
  final int arity;
  final int firstKey;
  final int lastKey;
  final int keyStep;
  final String group;
  final String since;
  final String summary;
  final int flags;

  CommandSpec(
      String commandName,
      int arity,
      int firstKey,
      int lastKey,
      int keyStep,
      String group,
      String since,
      String summary,
      int flags) {
    this.commandName = commandName;
    this.arity = arity;
    this.firstKey = firstKey;
    this.lastKey = lastKey;
    this.keyStep = keyStep;
    this.group = group;
    this.since = since;
    this.summary = summary;
    this.flags = flags;
  }

  /** The command named {@code name} (any case), or {@code null}. */
  static CommandSpec lookup(String name) {
    CommandSpec c = BY_NAME.get(name);
    return c != null ? c : BY_NAME.get(name.toLowerCase(Locale.ROOT));
  }

  /** Whether {@code argumentCount} (name included) satisfies the arity. */
  boolean arityAccepts(int argumentCount) {
    return arity >= 0 ? argumentCount == arity : argumentCount >= -arity;
  }

  /**
   * Whether this command wraps another: {@code PPDB.AT level ...} or {@code PPDB.VERSION v ...}.
   */
  boolean wrapper() {
    return this == PPDB_AT || this == PPDB_VERSION;
  }

  boolean has(int flag) {
    return (flags & flag) != 0;
  }

  /** The flag words of {@code COMMAND INFO}. */
  List<String> flagWords() {
    List<String> words = new java.util.ArrayList<>(4);
    if (has(Flag.WRITE)) {
      words.add("write");
      words.add("denyoom");
    }
    if (has(Flag.READ)) {
      words.add("readonly");
    }
    if (has(Flag.NO_AUTH)) {
      words.add("no_auth");
    }
    if (this == GET
        || this == PING
        || this == ECHO
        || this == TTL
        || this == PTTL
        || this == EXISTS
        || this == TYPE) {
      words.add("fast");
    }
    return words;
  }
}
