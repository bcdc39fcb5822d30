/**
 * The Redis protocol front end: any Redis client (redis-cli, redis-benchmark, Jedis, redis-py) can
 * read and write ppdb through {@link org.ppdb.peer.resp.RespServer}.
 *
 * <p>RESP2 over Netty's Redis codec, with the string and keyspace commands of Redis 7 that map onto
 * a replicated last-writer-wins store (GET, SET with EX/PX/EXAT/PXAT/NX/XX/GET/KEEPTTL, GETDEL,
 * DEL, EXISTS, MGET, MSET, EXPIRE, PEXPIRE, TTL, PTTL, PERSIST, TYPE, SCAN, DBSIZE), the connection
 * commands (PING, ECHO, SELECT 0, AUTH, HELLO 2, QUIT, CLIENT), INFO and COMMAND, and ppdb's own
 * {@code PPDB.CONSISTENCY}, {@code PPDB.AT}, {@code PPDB.VERSION} (a write with its client's
 * version) and {@code PPDB.RING}. HELLO 3 is refused with {@code NOPROTO}: Netty's codec has no
 * RESP3 types.
 *
 * <p>Every command goes to a {@link org.ppdb.peer.api.KeyValueService} at the connection's
 * consistency. Limits on argument count, argument size and command size apply before anything is
 * allocated, stricter before authentication; pipelined commands are answered in order, with
 * backpressure on the socket; protected mode ({@link org.ppdb.peer.resp.ProtectedMode}) keeps a
 * server without password on loopback.
 */
package org.ppdb.peer.resp;
