package org.ppdb.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The admin server on real sockets, on 127.0.0.1 and an ephemeral port. */
class AdminServerIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int SOCKET_TIMEOUT_MILLIS = 10_000;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<HealthReport> health =
      new AtomicReference<>(HealthReport.up("serving"));
  private final List<MemberSnapshot> members =
      List.of(
          new MemberSnapshot("aa", List.of("127.0.0.1:7946"), MemberState.ALIVE, 2, 1, true),
          new MemberSnapshot("bb", List.of("127.0.0.2:7946"), MemberState.SUSPECT, 5, 1, false));
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private AdminServer server;

  @BeforeAll
  static void paranoidLeakDetection() {
    NettyLeaks.enable();
  }

  @AfterEach
  void stopAndCheck() throws Exception {
    if (server != null) {
      server.close();
    }
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        Thread.getAllStackTraces().keySet().stream()
                            .filter(Thread::isAlive)
                            .map(Thread::getName)
                            .filter(n -> n.startsWith("ppdb-admin")))
                    .as("admin threads after close")
                    .isEmpty());
    assertThat(NettyLeaks.reported()).isEmpty();
  }

  private AdminServer start(AdminConfig config) throws IOException {
    PeerMetrics metrics = new PeerMetrics(registry);
    metrics.bindMembersByState(s -> (int) members.stream().filter(m -> m.state() == s).count());
    server = AdminServer.start(config, () -> members, health::get, registry);
    return server;
  }

  private AdminConfig loopback() {
    return AdminConfig.defaults().withBind(InetAddress.getLoopbackAddress(), 0);
  }

  private HttpResponse<String> get(String path) throws Exception {
    InetSocketAddress at = server.localAddress();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + path))
            .timeout(TIMEOUT)
            .GET()
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesEachEndpointOverHttp() throws Exception {
    start(loopback());
    assertThat(server.localAddress().getAddress().isLoopbackAddress()).isTrue();

    HttpResponse<String> up = get("/health");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.body()).startsWith("{\"status\":\"up\"");
    health.set(HealthReport.down("partitioned"));
    assertThat(get("/health").statusCode()).isEqualTo(503);

    HttpResponse<String> listed = get("/members");
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.headers().firstValue("content-type")).hasValue(AdminPipeline.JSON);
    assertThat(MembersJson.parse(listed.body())).isEqualTo(members);
    assertThat(MembersTable.format(MembersJson.parse(listed.body())))
        .contains("* aa  alive")
        .endsWith("2 members: 1 alive, 1 suspect, 0 dead, 0 left\n");

    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type"))
        .hasValue(AdminPipeline.PROMETHEUS_TEXT);
    assertThat(metrics.body())
        .contains("ppdb_members{state=\"alive\"} 1.0")
        .contains("ppdb_members{state=\"suspect\"} 1.0")
        .contains("ppdb_admin_responses_total{status=\"503\"} 1.0");

    assertThat(get("/nope").statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.localAddress().getPort() + "/health"))
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET");
  }

  @Test
  void theAdminClientReadsTheMembersTableOfARunningServer() throws Exception {
    start(loopback());
    AdminClient admin = new AdminClient(server.localAddress(), TIMEOUT);
    assertThat(admin.members()).isEqualTo(members);
    assertThat(MembersTable.format(admin.members())).startsWith("  ID  STATE ");
    assertThat(admin.get("/health").status()).isEqualTo(200);
    assertThat(admin.get("/nothing-here").status()).isEqualTo(404);
    server.close();
    Assertions.assertThatThrownBy(admin::members).isInstanceOf(IOException.class);
  }

  @Test
  void servesOnIpv6LoopbackToo() throws Exception {
    InetAddress v6;
    try {
      v6 = InetAddress.getByName("::1");
      new java.net.ServerSocket(0, 1, v6).close();
    } catch (IOException e) {
      Assumptions.abort("no IPv6 loopback here: " + e);
      return;
    }
    start(loopback().withBind(v6, 0));
    AdminClient admin = new AdminClient(server.localAddress(), TIMEOUT);
    assertThat(admin.get("/health").status()).isEqualTo(200);
  }

  @Test
  void garbageOnRawSocketsGetsAnErrorOrACloseAndTheServerKeepsServing() throws Exception {
    sprayGarbage(0x9a2ba9eL, 300);
  }

  /** The flood: 10,000 connections of random bytes (about three minutes). */
  @Test
  @Tag("slow")
  void tenThousandGarbageConnections() throws Exception {
    sprayGarbage(0x10000L, 10_000);
  }

  private void sprayGarbage(long seed, int connections) throws Exception {
    start(loopback());
    SplittableRandom random = new SplittableRandom(seed);
    int badRequests = 0;
    for (int i = 0; i < connections; i++) {
      byte[] garbage = new byte[1 + random.nextInt(4096)];
      random.nextBytes(garbage);
      String reply = exchangeRaw(garbage, random.nextBoolean());
      assertThat(reply)
          .as("seed %d, connection %d", seed, i)
          .matches("(?s)(|HTTP/1\\.1 (400|404|405|413|414|431) .*)");
      badRequests += reply.startsWith("HTTP/1.1 400 ") ? 1 : 0;
    }
    assertThat(badRequests).as("seed %d", seed).isGreaterThan(0);
    await().atMost(TIMEOUT).until(() -> server.openConnections() == 0);
    assertThat(get("/health").statusCode()).isEqualTo(200);
    assertThat(MembersJson.parse(get("/members").body()))
        .as("members unaffected")
        .isEqualTo(members);
    double counted = registry.get("ppdb.admin.responses").tag("status", "400").counter().count();
    assertThat(counted)
        .as("seed %d: 400s counted in /metrics", seed)
        .isGreaterThanOrEqualTo(badRequests);
  }

  @Test
  void connectionsBeyondTheCapGet503() throws Exception {
    start(loopback().withConnectionsMax(2));
    try (Socket first = connect();
        Socket second = connect()) {
      // Prove both are established server-side before the third one arrives.
      await().atMost(TIMEOUT).until(() -> server.openConnections() == 2);
      try (Socket third = connect()) {
        String reply = readAll(third.getInputStream());
        assertThat(reply).startsWith("HTTP/1.1 503 Service Unavailable\r\n");
      }
      assertThat(registry.get("ppdb.admin.connections.rejected").counter().count()).isEqualTo(1);
      assertThat(first.isConnected() && second.isConnected()).isTrue();
    }
    await().atMost(TIMEOUT).until(() -> server.openConnections() == 0);
    assertThat(get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void idleConnectionsAreClosed() throws Exception {
    start(loopback().withIdleTimeoutNanos(TimeUnit.MILLISECONDS.toNanos(300)));
    try (Socket idle = connect()) {
      long started = System.nanoTime();
      assertThat(idle.getInputStream().read()).as("EOF from the server").isEqualTo(-1);
      long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(waitedMillis).isBetween(200L, 5_000L);
    }
  }

  @Test
  void aPortInUseIsAClearIoException() throws Exception {
    start(loopback());
    AdminConfig taken =
        loopback().withBind(InetAddress.getLoopbackAddress(), server.localAddress().getPort());
    Assertions.assertThatThrownBy(() -> AdminServer.start(taken, List::of, health::get, registry))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("admin: cannot listen on ")
        .hasCauseInstanceOf(BindException.class);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(server.localAddress(), SOCKET_TIMEOUT_MILLIS);
    socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
    return socket;
  }

  private String exchangeRaw(byte[] bytes, boolean halfClose) throws IOException {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      try {
        out.write(bytes);
        out.flush();
        if (halfClose) {
          socket.shutdownOutput();
        }
      } catch (SocketException e) {
        return ""; // the server already answered and closed: fine
      }
      if (!halfClose) {
        // Without an end of input the decoder may wait for more; the idle timeout is 30 s, so
        // read only what arrives promptly.
        socket.setSoTimeout(300);
      }
      return readAll(socket.getInputStream());
    }
  }

  private static String readAll(InputStream in) throws IOException {
    byte[] buffer = new byte[8192];
    StringBuilder text = new StringBuilder();
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (java.net.SocketTimeoutException | SocketException e) {
      // A timeout means nothing more came; a reset means the server closed: both end the reply.
    }
    return text.toString();
  }
}
