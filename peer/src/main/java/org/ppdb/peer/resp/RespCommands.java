package org.ppdb.peer.resp;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.ErrorRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.IntegerRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.handler.codec.redis.SimpleStringRedisMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.KeyValueService;
import org.ppdb.peer.api.OverloadedException;
import org.ppdb.peer.api.ReplicasUnavailableException;
import org.ppdb.peer.api.RequestTimeoutException;
import org.ppdb.peer.api.StoredValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands of the Redis protocol front end over a {@link KeyValueService}: argument parsing
 * with Redis' error replies, and the translation of Redis semantics onto ppdb's last-writer-wins
 * store.
 *
 * <p>Commands that Redis runs atomically but ppdb cannot (SET NX/XX/GET/KEEPTTL, GETDEL, EXPIRE,
 * PERSIST, DEL's count) are a read followed by a write at the connection's consistency: a
 * concurrent writer on another connection may interleave, and last-writer-wins orders the two
 * writes. MSET writes its keys independently (not atomically): on a failure some keys may be
 * written. Within one connection the caller ({@link RespConnectionHandler}) keeps commands on the
 * same key in order.
 *
 * <p>Shared by all connections of a server; stateless apart from the shared registries, so
 * thread-safe. {@link #execute} runs on the connection's event loop, must not block, and returns a
 * stage that completes with the reply (on any thread).
 */
final class RespCommands {
  private static final Logger log = LoggerFactory.getLogger(RespCommands.class);

  /** The Redis version whose command semantics this front end follows (INFO, HELLO). */
  static final String REDIS_COMPATIBLE_VERSION = "7.0.0";

  static final SimpleStringRedisMessage OK = new SimpleStringRedisMessage("OK");
  static final SimpleStringRedisMessage PONG = new SimpleStringRedisMessage("PONG");
  static final FullBulkStringRedisMessage NIL = FullBulkStringRedisMessage.NULL_INSTANCE;
  private static final IntegerRedisMessage ZERO = new IntegerRedisMessage(0);
  private static final IntegerRedisMessage ONE = new IntegerRedisMessage(1);
  private static final int SCAN_COUNT_DEFAULT = 10;

  /** Backend calls one multi-key command keeps in flight (MGET, MSET, DEL, EXISTS). */
  static final int FAN_OUT_WINDOW = 64;

  private final RespConfig config;
  private final KeyValueService service;
  private final PeerInfoSource peerInfo;
  private final ClientRegistry clients;
  private final ScanCursors cursors;
  private final LongSupplier epochMillis;
  private final long startedAtMillis;
  private volatile int port;

  RespCommands(
      RespConfig config,
      KeyValueService service,
      PeerInfoSource peerInfo,
      ClientRegistry clients,
      ScanCursors cursors,
      LongSupplier epochMillis) {
    this.config = config;
    this.service = service;
    this.peerInfo = peerInfo;
    this.clients = clients;
    this.cursors = cursors;
    this.epochMillis = epochMillis;
    this.startedAtMillis = epochMillis.getAsLong();
  }

  /** The TCP port reported by INFO, once the server is bound. */
  void port(int port) {
    this.port = port;
  }

  /**
   * Runs one command. {@code spec} is {@code null} for unknown commands.
   *
   * @return the reply; exceptional completion is turned into an error reply by {@link #errorReply}
   */
  CompletionStage<RedisMessage> execute(RespSession session, byte[][] args, CommandSpec spec) {
    if (spec == null) {
      return done(unknownCommand(args));
    }
    if (config.passwordRequired()
        && !session.authenticated()
        && !spec.has(CommandSpec.Flag.NO_AUTH)) {
      return done(error("NOAUTH Authentication required."));
    }
    session.recordCommand(spec.commandName);
    return run(session, args, spec, session.consistency());
  }

  private CompletionStage<RedisMessage> run(
      RespSession session, byte[][] args, CommandSpec spec, Consistency consistency) {
    if (!spec.arityAccepts(args.length)) {
      return done(wrongArity(spec.commandName));
    }
    RedisMessage keyError = checkKeys(spec, args);
    if (keyError != null) {
      return done(keyError);
    }
    return switch (spec) {
      case PING ->
          done(
              args.length == 1
                  ? PONG
                  : args.length == 2 ? bulk(args[1]) : wrongArity(spec.commandName));
      case ECHO -> done(bulk(args[1]));
      case SELECT -> done(select(args[1]));
      case AUTH -> done(auth(session, args));
      case HELLO -> done(hello(session, args));
      case QUIT -> done(OK);
      case CLIENT -> done(client(session, args));
      case GET -> get(args[1], consistency);
      case SET -> set(args, consistency, 0);
      case GETDEL -> getDel(args[1], consistency);
      case MGET -> mget(args, consistency);
      case MSET -> mset(args, consistency);
      case DEL -> del(args, consistency, 0);
      case EXISTS -> exists(args, consistency);
      case EXPIRE -> expire(args, consistency, 1000);
      case PEXPIRE -> expire(args, consistency, 1);
      case TTL -> ttl(args[1], consistency, true);
      case PTTL -> ttl(args[1], consistency, false);
      case PERSIST -> persist(args[1], consistency);
      case TYPE ->
          service
              .get(args[1], consistency)
              .thenApply(v -> new SimpleStringRedisMessage(v.isPresent() ? "string" : "none"));
      case SCAN -> scan(args, consistency);
      case DBSIZE -> service.sizeEstimate().thenApply(n -> new IntegerRedisMessage(n));
      case INFO -> info(session, args);
      case COMMAND -> done(command(args));
      case PPDB_CONSISTENCY -> done(consistency(session, args));
      case PPDB_AT -> at(session, args);
      case PPDB_VERSION -> versioned(args, consistency);
      case PPDB_RING -> done(ring());
      case PPDB_TOPOLOGY -> done(topology());
    };
  }

  // ---- errors

  /** The error reply for a failed backend stage. */
  RedisMessage errorReply(Throwable failure) {
    Throwable e = failure;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof RequestTimeoutException t) {
      return error("TIMEOUT " + t.getMessage());
    }
    if (e instanceof ReplicasUnavailableException u) {
      return error("NOREPLICAS " + u.getMessage());
    }
    if (e instanceof OverloadedException o) {
      return error("BUSY " + o.getMessage());
    }
    if (e instanceof org.ppdb.peer.api.VersionRejectedException v) {
      return error("ERR " + v.getMessage());
    }
    if (e instanceof org.ppdb.storage.LimitExceededException l) {
      return error("ERR " + l.getMessage());
    }
    if (e instanceof org.ppdb.storage.StorageException s) {
      // Operating errors of the engine (closed, read-only after a failed sync, I/O, corruption):
      // the engine reports them itself; the client gets the reason.
      return error("ERR storage: " + s.getClass().getSimpleName() + ": " + s.getMessage());
    }
    if (e instanceof RespProtocolException p) {
      return error("ERR " + p.getMessage());
    }
    log.warn("command failed", e);
    return error("ERR internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  static ErrorRedisMessage error(String message) {
    return new ErrorRedisMessage(message);
  }

  static ErrorRedisMessage wrongArity(String commandName) {
    return error("ERR wrong number of arguments for '" + commandName + "' command");
  }

  private static final ErrorRedisMessage SYNTAX = error("ERR syntax error");
  private static final ErrorRedisMessage NOT_INTEGER =
      error("ERR value is not an integer or out of range");

  /** Redis 7's reply to an unknown command, quoting up to 128 characters of its arguments. */
  static ErrorRedisMessage unknownCommand(byte[][] args) {
    StringBuilder quoted = new StringBuilder();
    for (int i = 1; i < args.length && quoted.length() < 128; i++) {
      String a = printable(args[i]);
      int room = 128 - quoted.length();
      quoted.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
    }
    String name = printable(args[0]);
    return error(
        "ERR unknown command '"
            + name.substring(0, Math.min(name.length(), 128))
            + "', with args beginning with: "
            + quoted);
  }

  /** Error text must stay on one line: control bytes become spaces, as Redis does. */
  private static String printable(byte[] bytes) {
    char[] chars = new String(bytes, StandardCharsets.ISO_8859_1).toCharArray();
    for (int i = 0; i < chars.length; i++) {
      if (chars[i] < ' ' || chars[i] == 127) {
        chars[i] = ' ';
      }
    }
    return new String(chars);
  }

  private RedisMessage checkKeys(CommandSpec spec, byte[][] args) {
    if (spec.firstKey == 0) {
      return null;
    }
    for (KeyRef k : RespConnectionHandler.keysOf(spec, args, 0)) {
      if (k.bytes().length > config.keyBytesMax()) {
        return error(
            "ERR key too large (keyBytes: "
                + k.bytes().length
                + ", expected: <= "
                + config.keyBytesMax()
                + ")");
      }
    }
    return null;
  }

  private RedisMessage checkValue(byte[] value) {
    if (value.length > config.valueBytesMax()) {
      return error(
          "ERR value too large (valueBytes: "
              + value.length
              + ", expected: <= "
              + config.valueBytesMax()
              + ")");
    }
    return null;
  }

  // ---- connection commands

  private static RedisMessage select(byte[] db) {
    Long n = parseLong(db);
    if (n == null) {
      return NOT_INTEGER;
    }
    return n == 0 ? OK : error("ERR DB index is out of range");
  }

  private RedisMessage auth(RespSession session, byte[][] args) {
    if (args.length > 3) {
      return SYNTAX;
    }
    byte[] user = args.length == 3 ? args[1] : null;
    byte[] password = args[args.length - 1];
    if (!config.passwordRequired() && user == null) {
      return error(
          "ERR AUTH <password> called without any password configured for the default user."
              + " Are you sure your configuration is correct?");
    }
    if (!credentialsValid(user, password)) {
      return error("WRONGPASS invalid username-password pair or user is disabled.");
    }
    session.authenticate();
    return OK;
  }

  /**
   * Checks {@code user} (null: the default user) and {@code password}. The comparison runs over
   * digests in constant time so that response time does not reveal a matching prefix.
   */
  private boolean credentialsValid(byte[] user, byte[] password) {
    if (user != null && !"default".equals(new String(user, StandardCharsets.UTF_8))) {
      return false;
    }
    byte[] expected = config.password();
    if (expected == null) {
      // The default user without a password accepts any password, as Redis' "nopass".
      return true;
    }
    return MessageDigest.isEqual(sha256(expected), sha256(password));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  private RedisMessage hello(RespSession session, byte[][] args) {
    int i = 1;
    if (args.length > 1) {
      Long version = parseLong(args[1]);
      if (version == null) {
        return error("ERR Protocol version is not an integer or out of range");
      }
      if (version != 2) {
        // RESP3 needs map, set and null types that Netty's Redis codec cannot encode.
        return error("NOPROTO unsupported protocol version");
      }
      i = 2;
    }
    byte[] user = null;
    byte[] password = null;
    String name = null;
    for (; i < args.length; i++) {
      String option = ascii(args[i]).toUpperCase(Locale.ROOT);
      if (option.equals("AUTH") && i + 2 < args.length) {
        user = args[i + 1];
        password = args[i + 2];
        i += 2;
      } else if (option.equals("SETNAME") && i + 1 < args.length) {
        name = new String(args[i + 1], StandardCharsets.UTF_8);
        i += 1;
      } else {
        return error("ERR Syntax error in HELLO option '" + printable(args[i]) + "'");
      }
    }
    if (password != null) {
      if (!credentialsValid(user, password)) {
        return error("WRONGPASS invalid username-password pair or user is disabled.");
      }
      session.authenticate();
    }
    if (config.passwordRequired() && !session.authenticated()) {
      return error(
          "NOAUTH HELLO must be called with the client already authenticated, otherwise the"
              + " HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client"
              + " and select the RESP protocol version at the same time");
    }
    if (name != null) {
      RedisMessage invalid = validClientName(name);
      if (invalid != null) {
        return invalid;
      }
      session.name(name.isEmpty() ? null : name);
    }
    List<RedisMessage> reply = new ArrayList<>(14);
    reply.add(bulk("server"));
    reply.add(bulk("ppdb"));
    reply.add(bulk("version"));
    reply.add(bulk(REDIS_COMPATIBLE_VERSION));
    reply.add(bulk("proto"));
    reply.add(new IntegerRedisMessage(2));
    reply.add(bulk("id"));
    reply.add(new IntegerRedisMessage(session.id));
    reply.add(bulk("mode"));
    reply.add(bulk("standalone"));
    reply.add(bulk("role"));
    reply.add(bulk("master"));
    reply.add(bulk("modules"));
    reply.add(ArrayRedisMessage.EMPTY_INSTANCE);
    return new ArrayRedisMessage(reply);
  }

  private static RedisMessage validClientName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '!' || c > '~') {
        return error("ERR Client names cannot contain spaces, newlines or special characters.");
      }
    }
    return null;
  }

  private RedisMessage client(RespSession session, byte[][] args) {
    String sub = ascii(args[1]).toUpperCase(Locale.ROOT);
    switch (sub) {
      case "ID":
        return args.length == 2 ? new IntegerRedisMessage(session.id) : wrongArity("client|id");
      case "GETNAME":
        if (args.length != 2) {
          return wrongArity("client|getname");
        }
        return session.name() == null ? NIL : bulk(session.name());
      case "SETNAME":
        {
          if (args.length != 3) {
            return wrongArity("client|setname");
          }
          String name = new String(args[2], StandardCharsets.UTF_8);
          RedisMessage invalid = validClientName(name);
          if (invalid != null) {
            return invalid;
          }
          session.name(name.isEmpty() ? null : name);
          return OK;
        }
      case "SETINFO":
        {
          if (args.length != 4) {
            return wrongArity("client|setinfo");
          }
          String attribute = ascii(args[2]).toUpperCase(Locale.ROOT);
          String value = new String(args[3], StandardCharsets.UTF_8);
          if (validClientName(value) != null && !value.isEmpty()) {
            return error(
                "ERR " + attribute + " cannot contain spaces, newlines or special characters.");
          }
          switch (attribute) {
            case "LIB-NAME" -> session.library(value, null);
            case "LIB-VER" -> session.library(null, value);
            default -> {
              return error("ERR Unrecognized option '" + printable(args[2]) + "'");
            }
          }
          return OK;
        }
      case "INFO":
        return args.length == 2
            ? bulk(session.describe(epochMillis.getAsLong()) + "\n")
            : wrongArity("client|info");
      case "LIST":
        {
          if (args.length != 2) {
            return SYNTAX;
          }
          StringBuilder sb = new StringBuilder();
          long now = epochMillis.getAsLong();
          for (RespSession s : clients.list()) {
            sb.append(s.describe(now)).append('\n');
          }
          return bulk(sb.toString());
        }
      default:
        return error("ERR unknown subcommand '" + printable(args[1]) + "'. Try CLIENT HELP.");
    }
  }

  private static RedisMessage consistency(RespSession session, byte[][] args) {
    if (args.length == 1) {
      return new SimpleStringRedisMessage(session.consistency().name());
    }
    if (args.length != 2) {
      return wrongArity("ppdb.consistency");
    }
    Consistency c = Consistency.parse(ascii(args[1]));
    if (c == null) {
      return unknownConsistency(args[1]);
    }
    session.consistency(c);
    return OK;
  }

  private static ErrorRedisMessage unknownConsistency(byte[] level) {
    return error(
        "ERR unknown consistency '" + printable(level) + "' (expected: ONE, QUORUM or ALL)");
  }

  /** {@code PPDB.AT <level> <command> [args...]}: one data command at the given consistency. */
  private CompletionStage<RedisMessage> at(RespSession session, byte[][] args) {
    Consistency c = Consistency.parse(ascii(args[1]));
    if (c == null) {
      return done(unknownConsistency(args[1]));
    }
    byte[][] inner = java.util.Arrays.copyOfRange(args, 2, args.length);
    CommandSpec spec = CommandSpec.lookup(ascii(inner[0]));
    if (spec == null) {
      return done(unknownCommand(inner));
    }
    if (spec.firstKey == 0
        && spec != CommandSpec.SCAN
        && spec != CommandSpec.DBSIZE
        && !wraps(CommandSpec.PPDB_AT, spec)) {
      return done(
          error("ERR PPDB.AT cannot run '" + spec.commandName + "' (expected: a data command)"));
    }
    return run(session, inner, spec, c);
  }

  /** Whether wrapper {@code outer} may run wrapper {@code inner}: PPDB.AT may run PPDB.VERSION. */
  static boolean wraps(CommandSpec outer, CommandSpec inner) {
    return outer == CommandSpec.PPDB_AT && inner == CommandSpec.PPDB_VERSION;
  }

  /**
   * {@code PPDB.VERSION <version> SET key value [options] | DEL key [key ...]}: a write with the
   * version its client stamped it with ({@link KeyValueService#writeVersioned}). A versioned DEL
   * writes a tombstone for every key, present or not, so that it also hides an earlier write of the
   * same client that the read did not see (one that timed out, say); it replies with the number of
   * keys the read found.
   */
  private CompletionStage<RedisMessage> versioned(byte[][] args, Consistency c) {
    Long version = parseLong(args[1]);
    if (version == null || version <= 0) {
      return done(
          error(
              "ERR PPDB.VERSION: '"
                  + printable(args[1])
                  + "' is not a version (expected: a positive 64-bit integer, a hybrid logical"
                  + " clock version)"));
    }
    byte[][] inner = java.util.Arrays.copyOfRange(args, 2, args.length);
    CommandSpec spec = CommandSpec.lookup(ascii(inner[0]));
    if (spec != CommandSpec.SET && spec != CommandSpec.DEL) {
      return done(error("ERR PPDB.VERSION runs SET or DEL, not '" + printable(inner[0]) + "'"));
    }
    if (!spec.arityAccepts(inner.length)) {
      return done(wrongArity(spec.commandName));
    }
    RedisMessage keyError = checkKeys(spec, inner);
    if (keyError != null) {
      return done(keyError);
    }
    return spec == CommandSpec.SET ? set(inner, c, version) : del(inner, c, version);
  }

  /** A write stamped by the service ({@code version} 0) or by its client. */
  private CompletionStage<Long> write(
      byte[] key, byte[] value, long expiresAtMillis, long version, Consistency c) {
    if (version != 0) {
      return service.writeVersioned(key, value, expiresAtMillis, version, c);
    }
    return value == null ? service.delete(key, c) : service.put(key, value, expiresAtMillis, c);
  }

  private RedisMessage ring() {
    List<RedisMessage> lines = new ArrayList<>();
    for (String line : peerInfo.ringDescription()) {
      lines.add(bulk(line));
    }
    return new ArrayRedisMessage(lines);
  }

  /**
   * {@code PPDB.TOPOLOGY}: {@code [N, [[nodeId, host, port, state, status, [token, ...]], ...]]},
   * tokens as signed decimal bulk strings (RESP2 integers would do, but bulk strings survive
   * clients that turn integers into doubles).
   */
  private RedisMessage topology() {
    List<TopologyEntry> entries = peerInfo.topology();
    List<RedisMessage> members = new ArrayList<>(entries.size());
    for (TopologyEntry e : entries) {
      long[] tokens = e.tokens();
      List<RedisMessage> tokenReplies = new ArrayList<>(tokens.length);
      for (long t : tokens) {
        tokenReplies.add(bulk(Long.toString(t)));
      }
      members.add(
          new ArrayRedisMessage(
              List.of(
                  bulk(e.nodeIdHex()),
                  bulk(e.clientHost()),
                  new IntegerRedisMessage(e.clientPort()),
                  bulk(e.state()),
                  bulk(e.status()),
                  new ArrayRedisMessage(tokenReplies))));
    }
    return new ArrayRedisMessage(
        List.of(
            new IntegerRedisMessage(peerInfo.replicationFactor()), new ArrayRedisMessage(members)));
  }

  // ---- string commands

  private CompletionStage<RedisMessage> get(byte[] key, Consistency c) {
    return service.get(key, c).thenApply(v -> v.isPresent() ? bulk(v.get().value()) : NIL);
  }

  private CompletionStage<RedisMessage> set(byte[][] args, Consistency c, long version) {
    byte[] key = args[1];
    byte[] value = args[2];
    RedisMessage tooLarge = checkValue(value);
    if (tooLarge != null) {
      return done(tooLarge);
    }
    boolean nx = false;
    boolean xx = false;
    boolean get = false;
    boolean keepTtl = false;
    long expiresAt = 0;
    boolean expireGiven = false;
    for (int i = 3; i < args.length; i++) {
      String option = ascii(args[i]).toUpperCase(Locale.ROOT);
      switch (option) {
        case "NX" -> {
          if (xx) {
            return done(SYNTAX);
          }
          nx = true;
        }
        case "XX" -> {
          if (nx) {
            return done(SYNTAX);
          }
          xx = true;
        }
        case "GET" -> get = true;
        case "KEEPTTL" -> {
          if (expireGiven) {
            return done(SYNTAX);
          }
          keepTtl = true;
        }
        case "EX", "PX", "EXAT", "PXAT" -> {
          if (expireGiven || keepTtl || i + 1 >= args.length) {
            return done(SYNTAX);
          }
          Long n = parseLong(args[++i]);
          if (n == null) {
            return done(NOT_INTEGER);
          }
          long at = expiresAt(option, n);
          if (at <= 0) {
            return done(error("ERR invalid expire time in 'set' command"));
          }
          expiresAt = at;
          expireGiven = true;
        }
        default -> {
          return done(SYNTAX);
        }
      }
    }
    if (!nx && !xx && !get && !keepTtl) {
      return write(key, value, expiresAt, version, c).thenApply(written -> OK);
    }
    final boolean onlyIfAbsent = nx;
    final boolean onlyIfPresent = xx;
    final boolean returnOld = get;
    final boolean keep = keepTtl;
    final long newExpiresAt = expiresAt;
    return service
        .get(key, c)
        .thenCompose(
            old -> {
              RedisMessage oldReply = returnOld ? old.map(v -> bulk(v.value())).orElse(NIL) : null;
              if ((onlyIfAbsent && old.isPresent()) || (onlyIfPresent && old.isEmpty())) {
                return done(returnOld ? oldReply : NIL);
              }
              long at = keep && old.isPresent() ? old.get().expiresAtMillis() : newExpiresAt;
              return write(key, value, at, version, c)
                  .thenApply(written -> returnOld ? oldReply : (RedisMessage) OK);
            });
  }

  /**
   * The absolute expiry of SET's EX/PX/EXAT/PXAT {@code n}, or 0 or less if invalid (not positive,
   * or overflowing).
   */
  private long expiresAt(String option, long n) {
    if (n <= 0) {
      return 0;
    }
    try {
      return switch (option) {
        case "EX" -> Math.addExact(epochMillis.getAsLong(), Math.multiplyExact(n, 1000L));
        case "PX" -> Math.addExact(epochMillis.getAsLong(), n);
        case "EXAT" -> Math.multiplyExact(n, 1000L);
        default -> n;
      };
    } catch (ArithmeticException overflow) {
      return 0;
    }
  }

  private CompletionStage<RedisMessage> getDel(byte[] key, Consistency c) {
    return service
        .get(key, c)
        .thenCompose(
            old -> {
              if (old.isEmpty()) {
                return done(NIL);
              }
              RedisMessage reply = bulk(old.get().value());
              return service.delete(key, c).thenApply(version -> reply);
            });
  }

  private CompletionStage<RedisMessage> mget(byte[][] args, Consistency c) {
    return FanOut.run(args.length - 1, FAN_OUT_WINDOW, i -> service.get(args[i + 1], c))
        .thenApply(
            found -> {
              List<RedisMessage> values = new ArrayList<>(found.size());
              for (Optional<StoredValue> v : found) {
                values.add(v.isPresent() ? bulk(v.get().value()) : NIL);
              }
              return new ArrayRedisMessage(values);
            });
  }

  private CompletionStage<RedisMessage> mset(byte[][] args, Consistency c) {
    if (args.length % 2 == 0) {
      return done(wrongArity("mset"));
    }
    // A repeated key keeps its last value, as in Redis; writing both could let the first win.
    Map<KeyRef, byte[]> last = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      RedisMessage tooLarge = checkValue(args[i + 1]);
      if (tooLarge != null) {
        return done(tooLarge);
      }
      last.put(new KeyRef(args[i]), args[i + 1]);
    }
    List<Map.Entry<KeyRef, byte[]>> pairs = new ArrayList<>(last.entrySet());
    return FanOut.run(
            pairs.size(),
            FAN_OUT_WINDOW,
            i -> service.put(pairs.get(i).getKey().bytes(), pairs.get(i).getValue(), 0, c))
        .thenApply(versions -> OK);
  }

  private CompletionStage<RedisMessage> exists(byte[][] args, Consistency c) {
    List<KeyRef> keys = distinctKeys(args);
    return FanOut.run(keys.size(), FAN_OUT_WINDOW, i -> service.get(keys.get(i).bytes(), c))
        .thenApply(
            found -> {
              Map<KeyRef, Boolean> present = new java.util.HashMap<>();
              for (int i = 0; i < keys.size(); i++) {
                present.put(keys.get(i), found.get(i).isPresent());
              }
              long n = 0;
              for (int i = 1; i < args.length; i++) {
                if (present.get(new KeyRef(args[i]))) {
                  n++;
                }
              }
              return new IntegerRedisMessage(n);
            });
  }

  private CompletionStage<RedisMessage> del(byte[][] args, Consistency c, long version) {
    List<KeyRef> keys = distinctKeys(args);
    return FanOut.run(keys.size(), FAN_OUT_WINDOW, i -> service.get(keys.get(i).bytes(), c))
        .thenCompose(
            found -> {
              List<KeyRef> existing = new ArrayList<>();
              for (int i = 0; i < keys.size(); i++) {
                if (found.get(i).isPresent()) {
                  existing.add(keys.get(i));
                }
              }
              // Versioned: a tombstone for every key (see versioned()); else for the present ones.
              List<KeyRef> deleted = version != 0 ? keys : existing;
              return FanOut.run(
                      deleted.size(),
                      FAN_OUT_WINDOW,
                      i -> write(deleted.get(i).bytes(), null, 0, version, c))
                  .thenApply(versions -> (RedisMessage) new IntegerRedisMessage(existing.size()));
            });
  }

  /** The keys of a multi-key command without repeats, in first-seen order. */
  private static List<KeyRef> distinctKeys(byte[][] args) {
    java.util.LinkedHashSet<KeyRef> keys = new java.util.LinkedHashSet<>();
    for (int i = 1; i < args.length; i++) {
      keys.add(new KeyRef(args[i]));
    }
    return new ArrayList<>(keys);
  }

  // ---- expiry

  private CompletionStage<RedisMessage> expire(byte[][] args, Consistency c, long unitMillis) {
    String command = unitMillis == 1 ? "pexpire" : "expire";
    Long n = parseLong(args[2]);
    if (n == null) {
      return done(NOT_INTEGER);
    }
    boolean nx = false;
    boolean xx = false;
    boolean gt = false;
    boolean lt = false;
    for (int i = 3; i < args.length; i++) {
      String option = ascii(args[i]).toUpperCase(Locale.ROOT);
      switch (option) {
        case "NX" -> nx = true;
        case "XX" -> xx = true;
        case "GT" -> gt = true;
        case "LT" -> lt = true;
        default -> {
          return done(error("ERR Unsupported option " + printable(args[i])));
        }
      }
    }
    if (nx && (xx || gt || lt)) {
      return done(error("ERR NX and XX, GT or LT options at the same time are not compatible"));
    }
    if (gt && lt) {
      return done(error("ERR GT and LT options at the same time are not compatible"));
    }
    long now = epochMillis.getAsLong();
    long when;
    try {
      when = Math.addExact(now, Math.multiplyExact(n, unitMillis));
    } catch (ArithmeticException overflow) {
      return done(error("ERR invalid expire time in '" + command + "' command"));
    }
    final boolean onlyWithout = nx;
    final boolean onlyWith = xx;
    final boolean greater = gt;
    final boolean less = lt;
    byte[] key = args[1];
    return service
        .get(key, c)
        .thenCompose(
            found -> {
              if (found.isEmpty()) {
                return done(ZERO);
              }
              StoredValue v = found.get();
              // No expiry counts as an infinite one for GT and LT, as in Redis.
              if ((onlyWithout && v.expires())
                  || (onlyWith && !v.expires())
                  || (greater && (!v.expires() || when <= v.expiresAtMillis()))
                  || (less && v.expires() && when >= v.expiresAtMillis())) {
                return done(ZERO);
              }
              if (when <= now) {
                return service.delete(key, c).thenApply(version -> (RedisMessage) ONE);
              }
              return service.put(key, v.value(), when, c).thenApply(version -> (RedisMessage) ONE);
            });
  }

  private CompletionStage<RedisMessage> ttl(byte[] key, Consistency c, boolean seconds) {
    return service
        .get(key, c)
        .thenApply(
            found -> {
              if (found.isEmpty()) {
                return new IntegerRedisMessage(-2);
              }
              if (!found.get().expires()) {
                return new IntegerRedisMessage(-1);
              }
              long ms = Math.max(0, found.get().expiresAtMillis() - epochMillis.getAsLong());
              return new IntegerRedisMessage(seconds ? (ms + 500) / 1000 : ms);
            });
  }

  private CompletionStage<RedisMessage> persist(byte[] key, Consistency c) {
    return service
        .get(key, c)
        .thenCompose(
            found -> {
              if (found.isEmpty() || !found.get().expires()) {
                return done(ZERO);
              }
              return service
                  .put(key, found.get().value(), 0, c)
                  .thenApply(version -> (RedisMessage) ONE);
            });
  }

  // ---- keyspace

  private CompletionStage<RedisMessage> scan(byte[][] args, Consistency c) {
    Long cursor = parseUnsigned(args[1]);
    if (cursor == null) {
      return done(error("ERR invalid cursor"));
    }
    byte[] after = null;
    if (cursor != 0) {
      after = cursors.resolve(cursor);
      if (after == null) {
        return done(error("ERR invalid cursor"));
      }
    }
    byte[] pattern = null;
    long count = SCAN_COUNT_DEFAULT;
    boolean stringsWanted = true;
    for (int i = 2; i < args.length; i++) {
      String option = ascii(args[i]).toUpperCase(Locale.ROOT);
      if (i + 1 >= args.length) {
        return done(SYNTAX);
      }
      switch (option) {
        case "MATCH" -> pattern = args[++i];
        case "COUNT" -> {
          Long n = parseLong(args[++i]);
          if (n == null) {
            return done(NOT_INTEGER);
          }
          if (n < 1) {
            return done(SYNTAX);
          }
          count = n;
        }
        case "TYPE" -> stringsWanted = ascii(args[++i]).equalsIgnoreCase("string");
        default -> {
          return done(SYNTAX);
        }
      }
    }
    if (!stringsWanted) {
      // ppdb stores strings only: no key has another type.
      return done(scanReply(0, List.of()));
    }
    int limit = (int) Math.min(count, config.scanCountMax());
    byte[] glob = pattern;
    return service
        .scan(after, limit, c)
        .thenApply(
            page -> {
              List<RedisMessage> keys = new ArrayList<>(page.keys().size());
              for (byte[] k : page.keys()) {
                if (glob == null || GlobPattern.matches(glob, k)) {
                  keys.add(bulk(k));
                }
              }
              long next = page.complete() ? 0 : cursors.register(page.resumeAfter());
              return scanReply(next, keys);
            });
  }

  private static RedisMessage scanReply(long cursor, List<RedisMessage> keys) {
    return new ArrayRedisMessage(
        List.of(bulk(Long.toUnsignedString(cursor)), new ArrayRedisMessage(keys)));
  }

  // ---- INFO and COMMAND

  private CompletionStage<RedisMessage> info(RespSession session, byte[][] args) {
    boolean all = args.length == 1;
    java.util.Set<String> wanted = new java.util.HashSet<>();
    for (int i = 1; i < args.length; i++) {
      String s = ascii(args[i]).toLowerCase(Locale.ROOT);
      if (s.equals("all") || s.equals("everything") || s.equals("default")) {
        all = true;
      }
      wanted.add(s);
    }
    boolean server = all || wanted.contains("server");
    boolean clientsSection = all || wanted.contains("clients");
    boolean keyspace = all || wanted.contains("keyspace");
    boolean ppdb = all || wanted.contains("ppdb");
    CompletionStage<Long> size =
        keyspace ? service.sizeEstimate() : CompletableFuture.completedFuture(0L);
    return size.thenApply(
        keys -> {
          StringBuilder sb = new StringBuilder();
          if (server) {
            long now = epochMillis.getAsLong();
            section(sb, "Server");
            field(sb, "redis_version", REDIS_COMPATIBLE_VERSION);
            field(sb, "ppdb_version", config.version());
            field(sb, "redis_mode", "standalone");
            field(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            field(sb, "arch_bits", "64");
            field(sb, "process_id", Long.toString(ProcessHandle.current().pid()));
            field(sb, "tcp_port", Integer.toString(port));
            field(
                sb, "uptime_in_seconds", Long.toString(Math.max(0, now - startedAtMillis) / 1000));
            field(
                sb,
                "uptime_in_days",
                Long.toString(Math.max(0, now - startedAtMillis) / 86_400_000));
          }
          if (clientsSection) {
            section(sb, "Clients");
            field(sb, "connected_clients", Integer.toString(clients.connected()));
            field(sb, "maxclients", Integer.toString(clients.clientsMax()));
            field(sb, "rejected_connections", Long.toString(clients.refused()));
          }
          if (keyspace) {
            section(sb, "Keyspace");
            if (keys > 0) {
              field(sb, "db0", "keys=" + keys + ",expires=0,avg_ttl=0");
            }
          }
          if (ppdb) {
            section(sb, "Ppdb");
            field(sb, "consistency", session.consistency().name());
            for (PeerInfoSource.InfoField f : peerInfo.infoFields()) {
              field(sb, f.name(), f.value());
            }
          }
          return (RedisMessage) bulk(sb.toString());
        });
  }

  private static void section(StringBuilder sb, String name) {
    if (sb.length() > 0) {
      sb.append("\r\n");
    }
    sb.append("# ").append(name).append("\r\n");
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(name).append(':').append(value).append("\r\n");
  }

  private static RedisMessage command(byte[][] args) {
    if (args.length == 1) {
      List<RedisMessage> all = new ArrayList<>();
      for (CommandSpec spec : CommandSpec.values()) {
        all.add(commandInfo(spec));
      }
      return new ArrayRedisMessage(all);
    }
    String sub = ascii(args[1]).toUpperCase(Locale.ROOT);
    switch (sub) {
      case "COUNT":
        return args.length == 2
            ? new IntegerRedisMessage(CommandSpec.values().length)
            : wrongArity("command|count");
      case "LIST":
        {
          List<RedisMessage> names = new ArrayList<>();
          for (CommandSpec spec : CommandSpec.values()) {
            names.add(bulk(spec.commandName));
          }
          return new ArrayRedisMessage(names);
        }
      case "INFO":
        {
          List<RedisMessage> infos = new ArrayList<>();
          if (args.length == 2) {
            for (CommandSpec spec : CommandSpec.values()) {
              infos.add(commandInfo(spec));
            }
          }
          for (int i = 2; i < args.length; i++) {
            CommandSpec spec = CommandSpec.lookup(ascii(args[i]));
            infos.add(spec == null ? ArrayRedisMessage.NULL_INSTANCE : commandInfo(spec));
          }
          return new ArrayRedisMessage(infos);
        }
      case "DOCS":
        {
          List<RedisMessage> docs = new ArrayList<>();
          List<CommandSpec> specs = new ArrayList<>();
          if (args.length == 2) {
            specs.addAll(List.of(CommandSpec.values()));
          }
          for (int i = 2; i < args.length; i++) {
            CommandSpec spec = CommandSpec.lookup(ascii(args[i]));
            if (spec != null) {
              specs.add(spec);
            }
          }
          for (CommandSpec spec : specs) {
            docs.add(bulk(spec.commandName));
            docs.add(
                new ArrayRedisMessage(
                    List.of(
                        bulk("summary"),
                        bulk(spec.summary),
                        bulk("since"),
                        bulk(spec.since),
                        bulk("group"),
                        bulk(spec.group))));
          }
          return new ArrayRedisMessage(docs);
        }
      default:
        return error("ERR unknown subcommand '" + printable(args[1]) + "'. Try COMMAND HELP.");
    }
  }

  /** The classic six-field reply of COMMAND INFO: name, arity, flags, first, last, step. */
  private static RedisMessage commandInfo(CommandSpec spec) {
    List<RedisMessage> flags = new ArrayList<>();
    for (String f : spec.flagWords()) {
      flags.add(new SimpleStringRedisMessage(f));
    }
    return new ArrayRedisMessage(
        List.of(
            bulk(spec.commandName),
            new IntegerRedisMessage(spec.arity),
            new ArrayRedisMessage(flags),
            new IntegerRedisMessage(spec.firstKey),
            new IntegerRedisMessage(spec.lastKey),
            new IntegerRedisMessage(spec.keyStep)));
  }

  // ---- helpers

  static CompletionStage<RedisMessage> done(RedisMessage reply) {
    return CompletableFuture.completedFuture(reply);
  }

  static FullBulkStringRedisMessage bulk(byte[] bytes) {
    return bytes.length == 0
        ? FullBulkStringRedisMessage.EMPTY_INSTANCE
        : new FullBulkStringRedisMessage(Unpooled.wrappedBuffer(bytes));
  }

  static FullBulkStringRedisMessage bulk(String s) {
    return bulk(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** Redis' strict integer syntax: optional '-', digits, no leading zeros, fits a long. */
  static Long parseLong(byte[] bytes) {
    int n = bytes.length;
    if (n == 0 || n > 20) {
      return null;
    }
    int i = bytes[0] == '-' ? 1 : 0;
    if (i == n || (bytes[i] == '0' && n > i + 1) || (i == 1 && bytes[1] == '0')) {
      return null;
    }
    for (int j = i; j < n; j++) {
      if (bytes[j] < '0' || bytes[j] > '9') {
        return null;
      }
    }
    try {
      return Long.parseLong(ascii(bytes));
    } catch (NumberFormatException overflow) {
      return null;
    }
  }

  /** An unsigned 64-bit decimal (a SCAN cursor), or {@code null}. */
  static Long parseUnsigned(byte[] bytes) {
    if (bytes.length == 0 || bytes.length > 20) {
      return null;
    }
    for (byte b : bytes) {
      if (b < '0' || b > '9') {
        return null;
      }
    }
    try {
      return Long.parseUnsignedLong(ascii(bytes));
    } catch (NumberFormatException overflow) {
      return null;
    }
  }
}
