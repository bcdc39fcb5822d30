package org.ppdb.peer.admin;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Reads a running peer's admin endpoints, for {@code ppdb members} and scripts: {@link #members()}
 * fetches and parses {@code /members}, {@link #get(String)} returns any endpoint's status and body.
 *
 * <p>Bounded: every request has a timeout and a response body is read up to {@link
 * #RESPONSE_BYTES_MAX} bytes, beyond which the call fails rather than buffering without limit.
 * Thread-safe; each call blocks the calling thread for at most about twice the timeout (connect,
 * then response).
 */
public final class AdminClient {

  /**
   * Largest response body read, in bytes: 64 MiB, as for {@link MembersJson#DOCUMENT_CHARS_MAX}.
   */
  public static final int RESPONSE_BYTES_MAX = MembersJson.DOCUMENT_CHARS_MAX;

  /** A response: its status code and its body as UTF-8 text. */
  public record Response(int status, String body) {}

  private final URI base;
  private final Duration timeout;
  private final HttpClient client;

  /**
   * A client for the admin server at {@code address}.
   *
   * @param timeout bound on connecting and on waiting for each response, positive
   */
  public AdminClient(InetSocketAddress address, Duration timeout) {
    Objects.requireNonNull(address, "address");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    this.base = URI.create("http://" + MemberSnapshot.address(address));
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * GETs {@code path} (such as {@code /health}).
   *
   * @throws IOException if the peer cannot be reached in time, or the body exceeds {@link
   *     #RESPONSE_BYTES_MAX}
   */
  public Response get(String path) throws IOException, InterruptedException {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("path: '" + path + "' (expected: starting with '/')");
    }
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      byte[] bytes = body.readNBytes(RESPONSE_BYTES_MAX + 1);
      if (bytes.length > RESPONSE_BYTES_MAX) {
        throw new IOException(
            "admin: response to " + path + " exceeds " + RESPONSE_BYTES_MAX + " bytes");
      }
      return new Response(response.statusCode(), new String(bytes, StandardCharsets.UTF_8));
    }
  }

  /**
   * Fetches and parses the peer's membership.
   *
   * @throws IOException if the peer cannot be reached, answers other than 200, or sends a document
   *     that {@link MembersJson#parse} refuses
   */
  public List<MemberSnapshot> members() throws IOException, InterruptedException {
    Response response = get("/members");
    if (response.status() != 200) {
      throw new IOException(
          "admin: /members answered " + response.status() + ": " + firstLine(response.body()));
    }
    try {
      return MembersJson.parse(response.body());
    } catch (IllegalArgumentException e) {
      throw new IOException("admin: /members sent an invalid document: " + e.getMessage(), e);
    }
  }

  private static String firstLine(String body) {
    String line = body.lines().findFirst().orElse("");
    // Shown to a person: keep it short and printable.
    line = line.replaceAll("[^ -~]", "?");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
