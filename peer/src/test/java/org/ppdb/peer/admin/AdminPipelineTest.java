package org.ppdb.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin pipeline on an {@link EmbeddedChannel}: raw HTTP bytes in, raw HTTP bytes out. */
class AdminPipelineTest {

  private static final String ID = "00ff";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<HealthReport> health =
      new AtomicReference<>(HealthReport.up("serving"));
  private final AtomicReference<List<MemberSnapshot>> members =
      new AtomicReference<>(
          List.of(
              new MemberSnapshot(ID, List.of("127.0.0.1:7946"), MemberState.ALIVE, 1, 0, true)));
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void paranoidLeakDetection() {
    NettyLeaks.enable();
  }

  @AfterEach
  void noLeaks() throws Exception {
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
    assertThat(NettyLeaks.reported()).isEmpty();
  }

  private EmbeddedChannel channel(AdminConfig config) {
    AdminEndpoints endpoints = new AdminEndpoints(config, members::get, health::get, registry);
    EmbeddedChannel channel = new EmbeddedChannel();
    AdminPipeline.install(channel.pipeline(), endpoints);
    channels.add(channel);
    return channel;
  }

  private EmbeddedChannel channel() {
    return channel(AdminConfig.defaults());
  }

  /** Writes {@code request} and returns everything the pipeline wrote back, as text. */
  private static String exchange(EmbeddedChannel channel, String request) {
    return exchange(channel, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String exchange(EmbeddedChannel channel, byte[] request) {
    channel.writeInbound(Unpooled.wrappedBuffer(request));
    StringBuilder out = new StringBuilder();
    for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
      out.append(buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }
    return out.toString();
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
  }

  private double responses(int status) {
    return registry
        .get("ppdb.admin.responses")
        .tag("status", Integer.toString(status))
        .counter()
        .count();
  }

  @Test
  void healthIs200WhenUpAnd503WhenDown() {
    EmbeddedChannel channel = channel();
    TreeMap<String, String> details = new TreeMap<>();
    details.put("node", ID);
    details.put("cluster", "blue \"prod\"");
    health.set(new HealthReport(true, "5 of 5 alive", details));
    String up = exchange(channel, get("/health"));
    assertThat(up)
        .startsWith("HTTP/1.1 200 OK\r\n")
        .contains("content-type: application/json; charset=utf-8")
        .endsWith(
            "{\"status\":\"up\",\"summary\":\"5 of 5 alive\",\"details\":"
                + "{\"cluster\":\"blue \\\"prod\\\"\",\"node\":\"00ff\"}}\n");
    health.set(HealthReport.down("not joined"));
    assertThat(exchange(channel, get("/health")))
        .startsWith("HTTP/1.1 503 Service Unavailable\r\n")
        .endsWith("{\"status\":\"down\",\"summary\":\"not joined\",\"details\":{}}\n");
    assertThat(channel.isOpen()).as("keep-alive across both requests").isTrue();
    assertThat(responses(200)).isEqualTo(1);
    assertThat(responses(503)).isEqualTo(1);
  }

  @Test
  void membersIsTheMembersDocument() {
    String response = exchange(channel(), get("/members?verbose=1"));
    assertThat(response).startsWith("HTTP/1.1 200 OK\r\n");
    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    assertThat(MembersJson.parse(body)).isEqualTo(members.get());
  }

  @Test
  void metricsIsPrometheusText() {
    new PeerMetrics(registry).onSuspicion();
    String response = exchange(channel(), get("/metrics"));
    assertThat(response)
        .startsWith("HTTP/1.1 200 OK\r\n")
        .contains("content-type: text/plain; version=0.0.4; charset=utf-8")
        .contains("# TYPE ppdb_suspicions_total counter")
        .contains("ppdb_suspicions_total 1.0");
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() {
    EmbeddedChannel channel = channel();
    assertThat(exchange(channel, get("/"))).startsWith("HTTP/1.1 404 Not Found\r\n");
    assertThat(exchange(channel, get("/health/x"))).startsWith("HTTP/1.1 404 Not Found\r\n");
    String post =
        exchange(channel, "POST /members HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    assertThat(post).startsWith("HTTP/1.1 405 Method Not Allowed\r\n").contains("allow: GET");
    assertThat(exchange(channel, "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"))
        .startsWith("HTTP/1.1 405 Method Not Allowed\r\n");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void connectionCloseIsHonoured() {
    EmbeddedChannel channel = channel();
    String response =
        exchange(channel, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").contains("connection: close");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void anOversizedBodyIs413() {
    AdminConfig small =
        new AdminConfig(InetAddress.getLoopbackAddress(), 0, 16, 64, 1024, 1_000_000_000L, 4);
    EmbeddedChannel channel = channel(small);
    String response =
        exchange(
            channel,
            "POST /members HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n" + "x".repeat(17));
    assertThat(response).startsWith("HTTP/1.1 413 Request Entity Too Large\r\n");
    assertThat(responses(413)).isEqualTo(1);
  }

  @Test
  void anOverlongUriIs414AndClosesTheConnection() {
    AdminConfig small =
        new AdminConfig(InetAddress.getLoopbackAddress(), 0, 16, 64, 1024, 1_000_000_000L, 4);
    EmbeddedChannel channel = channel(small);
    assertThat(exchange(channel, get("/health?" + "a".repeat(60))))
        .startsWith("HTTP/1.1 414 Request-URI Too Long\r\n");
    assertThat(channel.isOpen()).isFalse();
    EmbeddedChannel second = channel(small);
    assertThat(exchange(second, get("/health?" + "a".repeat(500))))
        .as("longer than the codec's request-line limit")
        .startsWith("HTTP/1.1 414 Request-URI Too Long\r\n");
    assertThat(second.isOpen()).isFalse();
  }

  @Test
  void anOversizedHeaderBlockIs431() {
    AdminConfig small =
        new AdminConfig(InetAddress.getLoopbackAddress(), 0, 16, 64, 128, 1_000_000_000L, 4);
    EmbeddedChannel channel = channel(small);
    assertThat(exchange(channel, "GET /health HTTP/1.1\r\nX-Big: " + "b".repeat(200) + "\r\n\r\n"))
        .startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void garbageIs400AndClosesTheConnection() {
    EmbeddedChannel channel = channel();
    assertThat(exchange(channel, "\u0001\u0002 HELLO\r\n\r\n"))
        .startsWith("HTTP/1.1 400 Bad Request\r\n");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aFailingSourceIs500AndTheConnectionSurvives() {
    members.set(null);
    EmbeddedChannel channel = channel();
    assertThat(exchange(channel, get("/members")))
        .startsWith("HTTP/1.1 500 Internal Server Error\r\n");
    assertThat(exchange(channel, get("/health"))).startsWith("HTTP/1.1 200 OK\r\n");
  }

  @Test
  void idleConnectionsAreClosed() {
    AdminConfig quick =
        AdminConfig.defaults().withIdleTimeoutNanos(TimeUnit.MILLISECONDS.toNanos(50));
    EmbeddedChannel channel = channel(quick);
    assertThat(exchange(channel, get("/health"))).startsWith("HTTP/1.1 200 OK\r\n");
    channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  /** Random bytes, and valid requests with random bytes spliced in: a 4xx or a close, no crash. */
  @Test
  void randomInputNeverEscapesThePipeline() {
    long seed = 0xad317L;
    SplittableRandom random = new SplittableRandom(seed);
    byte[] valid = get("/members").getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < 2_000; i++) {
      byte[] input;
      if (random.nextBoolean()) {
        input = new byte[1 + random.nextInt(300)];
        random.nextBytes(input);
      } else {
        input = valid.clone();
        for (int f = 1 + random.nextInt(3); f > 0; f--) {
          input[random.nextInt(input.length)] = (byte) random.nextInt(256);
        }
      }
      EmbeddedChannel channel = channel();
      String response = exchange(channel, input);
      assertThat(response)
          .as("seed %d, iteration %d", seed, i)
          .matches("(?s)(|HTTP/1\\.1 (200|400|404|405|413|414|431) .*)");
      channel.checkException();
      channel.finishAndReleaseAll();
      channels.remove(channel);
    }
  }
}
