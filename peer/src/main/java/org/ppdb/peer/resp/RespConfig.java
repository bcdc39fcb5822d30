package org.ppdb.peer.resp;

import java.nio.charset.StandardCharsets;
import org.ppdb.peer.api.Consistency;

/**
 * Settings and limits of the Redis protocol front end. Immutable; build with {@link #builder()}.
 *
 * <p>Every limit bounds memory or work per connection or per server (DESIGN.md, principle 4). The
 * relationships between them are checked by {@link Builder#build()}: a command must fit its largest
 * argument ({@code commandBytesMax >= bulkBytesMax}), a value argument must fit the storage limit,
 * and the pre-authentication limits must be no larger than the general ones.
 */
public final class RespConfig {
  /** Largest key, in bytes [64 KiB, the storage limit]. */
  public static final int KEY_BYTES_MAX_DEFAULT = 64 * 1024;

  /** Largest value, in bytes [16 MiB, the storage limit]. */
  public static final int VALUE_BYTES_MAX_DEFAULT = 16 * 1024 * 1024;

  /** Redis' own limit of an inline command or protocol line, in bytes. */
  public static final int INLINE_BYTES_MAX_DEFAULT = 64 * 1024;

  private final int keyBytesMax;
  private final int valueBytesMax;
  private final int inlineBytesMax;
  private final int argumentsMax;
  private final long commandBytesMax;
  private final int preAuthArgumentsMax;
  private final int preAuthBulkBytesMax;
  private final int pipelineCommandsMax;
  private final int pipelineCommandsHardMax;
  private final int clientsMax;
  private final int scanCountMax;
  private final int scanCursorsMax;
  private final byte[] password;
  private final boolean protectedMode;
  private final Consistency defaultConsistency;
  private final int ioThreads;
  private final String version;

  private RespConfig(Builder b) {
    this.keyBytesMax = b.keyBytesMax;
    this.valueBytesMax = b.valueBytesMax;
    this.inlineBytesMax = b.inlineBytesMax;
    this.argumentsMax = b.argumentsMax;
    this.commandBytesMax = b.commandBytesMax;
    this.preAuthArgumentsMax = b.preAuthArgumentsMax;
    this.preAuthBulkBytesMax = b.preAuthBulkBytesMax;
    this.pipelineCommandsMax = b.pipelineCommandsMax;
    this.pipelineCommandsHardMax = b.pipelineCommandsHardMax;
    this.clientsMax = b.clientsMax;
    this.scanCountMax = b.scanCountMax;
    this.scanCursorsMax = b.scanCursorsMax;
    this.password = b.password == null ? null : b.password.clone();
    this.protectedMode = b.protectedMode;
    this.defaultConsistency = b.defaultConsistency;
    this.ioThreads = b.ioThreads;
    this.version = b.version;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The defaults: no password, protected mode on, QUORUM. */
  public static RespConfig defaults() {
    return builder().build();
  }

  /** Largest key argument, in bytes [64 KiB]; longer keys get an error reply. */
  public int keyBytesMax() {
    return keyBytesMax;
  }

  /** Largest value argument, in bytes [16 MiB]; also the largest bulk string accepted at all. */
  public int valueBytesMax() {
    return valueBytesMax;
  }

  /**
   * Largest inline command or protocol header line, in bytes [64 KiB, as Redis]. Longer input
   * closes the connection.
   */
  public int inlineBytesMax() {
    return inlineBytesMax;
  }

  /** Largest bulk string, in bytes: the larger of the key and value limits. */
  public int bulkBytesMax() {
    return Math.max(keyBytesMax, valueBytesMax);
  }

  /**
   * Most arguments of one command, the name included [65,536: an MSET of 32,767 pairs]. More closes
   * the connection; bounds the per-command bookkeeping.
   */
  public int argumentsMax() {
    return argumentsMax;
  }

  /**
   * Most bytes of all arguments of one command [64 MiB]: bounds the memory of one request. More
   * closes the connection.
   */
  public long commandBytesMax() {
    return commandBytesMax;
  }

  /**
   * Most arguments of one command before the client authenticated [10, as Redis 7]: an
   * unauthenticated client cannot make the server buffer much.
   */
  public int preAuthArgumentsMax() {
    return preAuthArgumentsMax;
  }

  /** Largest bulk string before the client authenticated, in bytes [16 KiB, as Redis 7]. */
  public int preAuthBulkBytesMax() {
    return preAuthBulkBytesMax;
  }

  /**
   * Commands of one connection received but not yet answered above which the server stops reading
   * from it [128]: backpressure for pipelining clients. Raising it lets a pipelining client keep
   * more requests in flight against a slow backend, at the cost of memory per connection.
   */
  public int pipelineCommandsMax() {
    return pipelineCommandsMax;
  }

  /**
   * Commands of one connection received but not yet answered at which the connection is closed with
   * an error [16,384]. Reading stops at {@link #pipelineCommandsMax()}, but the bytes already read
   * (one socket read, at most 64 KiB) still decode, so this bound must cover one read of minimal
   * commands.
   */
  public int pipelineCommandsHardMax() {
    return pipelineCommandsHardMax;
  }

  /** Most client connections of the server [10,000]; more are refused with an error. */
  public int clientsMax() {
    return clientsMax;
  }

  /** Largest SCAN COUNT, in keys [10,000]; larger counts are clamped to it. */
  public int scanCountMax() {
    return scanCountMax;
  }

  /**
   * SCAN cursors the server remembers [4,096]; the oldest is forgotten first (SCAN with a forgotten
   * cursor gets an error). Each holds one key, so this bounds memory at {@code scanCursorsMax *
   * keyBytesMax}.
   */
  public int scanCursorsMax() {
    return scanCursorsMax;
  }

  /** Whether clients must AUTH (Redis {@code requirepass}). */
  public boolean passwordRequired() {
    return password != null;
  }

  /** The password (a copy), or {@code null} if none. */
  public byte[] password() {
    return password == null ? null : password.clone();
  }

  /**
   * Whether connections from non-loopback addresses are refused (Redis protected mode): on when no
   * password and no explicit bind address were configured; see {@link ProtectedMode}.
   */
  public boolean protectedMode() {
    return protectedMode;
  }

  /** The consistency of a new connection [QUORUM]; {@code PPDB.CONSISTENCY} changes it. */
  public Consistency defaultConsistency() {
    return defaultConsistency;
  }

  /** Netty I/O threads of a server that creates its own event loops [2]. */
  public int ioThreads() {
    return ioThreads;
  }

  /** The ppdb version reported by INFO and HELLO. */
  public String version() {
    return version;
  }

  /** Builder of {@link RespConfig}; not thread-safe. */
  public static final class Builder {
    private int keyBytesMax = KEY_BYTES_MAX_DEFAULT;
    private int valueBytesMax = VALUE_BYTES_MAX_DEFAULT;
    private int inlineBytesMax = INLINE_BYTES_MAX_DEFAULT;
    private int argumentsMax = 65_536;
    private long commandBytesMax = 64L * 1024 * 1024;
    private int preAuthArgumentsMax = 10;
    private int preAuthBulkBytesMax = 16 * 1024;
    private int pipelineCommandsMax = 128;
    private int pipelineCommandsHardMax = 16_384;
    private int clientsMax = 10_000;
    private int scanCountMax = 10_000;
    private int scanCursorsMax = 4_096;
    private byte[] password;
    private boolean protectedMode = true;
    private Consistency defaultConsistency = Consistency.DEFAULT;
    private int ioThreads = 2;
    private String version = "0.1.0";

    private Builder() {}

    public Builder keyBytesMax(int v) {
      keyBytesMax = positive("keyBytesMax", v);
      return this;
    }

    public Builder valueBytesMax(int v) {
      valueBytesMax = positive("valueBytesMax", v);
      return this;
    }

    public Builder inlineBytesMax(int v) {
      inlineBytesMax = positive("inlineBytesMax", v);
      return this;
    }

    public Builder argumentsMax(int v) {
      argumentsMax = positive("argumentsMax", v);
      return this;
    }

    public Builder commandBytesMax(long v) {
      if (v <= 0) {
        throw new IllegalArgumentException("commandBytesMax: " + v + " (expected: > 0)");
      }
      commandBytesMax = v;
      return this;
    }

    public Builder preAuthArgumentsMax(int v) {
      preAuthArgumentsMax = positive("preAuthArgumentsMax", v);
      return this;
    }

    public Builder preAuthBulkBytesMax(int v) {
      preAuthBulkBytesMax = positive("preAuthBulkBytesMax", v);
      return this;
    }

    public Builder pipelineCommandsMax(int v) {
      pipelineCommandsMax = positive("pipelineCommandsMax", v);
      return this;
    }

    public Builder pipelineCommandsHardMax(int v) {
      pipelineCommandsHardMax = positive("pipelineCommandsHardMax", v);
      return this;
    }

    public Builder clientsMax(int v) {
      clientsMax = positive("clientsMax", v);
      return this;
    }

    public Builder scanCountMax(int v) {
      scanCountMax = positive("scanCountMax", v);
      return this;
    }

    public Builder scanCursorsMax(int v) {
      scanCursorsMax = positive("scanCursorsMax", v);
      return this;
    }

    /** The requirepass-style password, UTF-8; {@code null} or empty for none. */
    public Builder password(String v) {
      password = v == null || v.isEmpty() ? null : v.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    public Builder protectedMode(boolean v) {
      protectedMode = v;
      return this;
    }

    public Builder defaultConsistency(Consistency v) {
      if (v == null) {
        throw new NullPointerException("defaultConsistency");
      }
      defaultConsistency = v;
      return this;
    }

    public Builder ioThreads(int v) {
      ioThreads = positive("ioThreads", v);
      return this;
    }

    public Builder version(String v) {
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException("version: '" + v + "' (expected: non-blank)");
      }
      version = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException if the limits contradict each other
     */
    public RespConfig build() {
      if (keyBytesMax > KEY_BYTES_MAX_DEFAULT) {
        throw new IllegalArgumentException(
            "keyBytesMax: " + keyBytesMax + " (expected: <= " + KEY_BYTES_MAX_DEFAULT + ")");
      }
      if (valueBytesMax > VALUE_BYTES_MAX_DEFAULT) {
        throw new IllegalArgumentException(
            "valueBytesMax: " + valueBytesMax + " (expected: <= " + VALUE_BYTES_MAX_DEFAULT + ")");
      }
      if (commandBytesMax < Math.max(keyBytesMax, valueBytesMax)) {
        throw new IllegalArgumentException(
            "commandBytesMax: "
                + commandBytesMax
                + " (expected: >= largest argument "
                + Math.max(keyBytesMax, valueBytesMax)
                + ")");
      }
      if (argumentsMax < 3) {
        throw new IllegalArgumentException(
            "argumentsMax: " + argumentsMax + " (expected: >= 3, room for SET key value)");
      }
      if (preAuthArgumentsMax > argumentsMax) {
        throw new IllegalArgumentException(
            "preAuthArgumentsMax: "
                + preAuthArgumentsMax
                + " (expected: <= argumentsMax "
                + argumentsMax
                + ")");
      }
      if (preAuthBulkBytesMax > Math.max(keyBytesMax, valueBytesMax)) {
        throw new IllegalArgumentException(
            "preAuthBulkBytesMax: "
                + preAuthBulkBytesMax
                + " (expected: <= bulkBytesMax "
                + Math.max(keyBytesMax, valueBytesMax)
                + ")");
      }
      if (pipelineCommandsHardMax < pipelineCommandsMax) {
        throw new IllegalArgumentException(
            "pipelineCommandsHardMax: "
                + pipelineCommandsHardMax
                + " (expected: >= pipelineCommandsMax "
                + pipelineCommandsMax
                + ")");
      }
      return new RespConfig(this);
    }

    private static int positive(String name, int v) {
      if (v <= 0) {
        throw new IllegalArgumentException(name + ": " + v + " (expected: > 0)");
      }
      return v;
    }
  }

  @Override
  public String toString() {
    return "RespConfig[passwordRequired="
        + passwordRequired()
        + ", protectedMode="
        + protectedMode
        + ", keyBytesMax="
        + keyBytesMax
        + ", valueBytesMax="
        + valueBytesMax
        + ", argumentsMax="
        + argumentsMax
        + ", pipelineCommandsMax="
        + pipelineCommandsMax
        + ", clientsMax="
        + clientsMax
        + "]";
  }
}
