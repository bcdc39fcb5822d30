package org.ppdb.peer.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the admin pipeline serves: the sources, the registry to scrape, the limits, and the admin
 * server's own counters ({@code ppdb_admin_responses_total{status}}, {@code
 * ppdb_admin_connections_rejected_total}). Shared by every connection; thread-safe.
 */
final class AdminEndpoints {

  /** Statuses the pipeline can answer with; one counter each, registered up front. */
  static final HttpResponseStatus[] STATUSES = {
    HttpResponseStatus.OK,
    HttpResponseStatus.BAD_REQUEST,
    HttpResponseStatus.NOT_FOUND,
    HttpResponseStatus.METHOD_NOT_ALLOWED,
    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
    HttpResponseStatus.REQUEST_URI_TOO_LONG,
    HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
    HttpResponseStatus.INTERNAL_SERVER_ERROR,
    HttpResponseStatus.SERVICE_UNAVAILABLE
  };

  final AdminConfig config;
  final MembershipSource membership;
  final HealthSource health;
  final PrometheusMeterRegistry registry;
  final Counter connectionsRejected;
  private final Map<Integer, Counter> responses = new TreeMap<>();

  AdminEndpoints(
      AdminConfig config,
      MembershipSource membership,
      HealthSource health,
      PrometheusMeterRegistry registry) {
    this.config = Objects.requireNonNull(config, "config");
    this.membership = Objects.requireNonNull(membership, "membership");
    this.health = Objects.requireNonNull(health, "health");
    this.registry = Objects.requireNonNull(registry, "registry");
    for (HttpResponseStatus status : STATUSES) {
      responses.put(
          status.code(),
          Counter.builder("ppdb.admin.responses")
              .description("Admin HTTP responses by status code")
              .tag("status", Integer.toString(status.code()))
              .register(registry));
    }
    this.connectionsRejected =
        Counter.builder("ppdb.admin.connections.rejected")
            .description("Admin connections refused because the connection cap was reached")
            .register(registry);
  }

  /** Counts a response; the map is read-only after construction, so no lock is needed. */
  void countResponse(HttpResponseStatus status) {
    Counter counter = responses.get(status.code());
    if (counter == null) {
      throw new IllegalStateException("status " + status + " has no counter");
    }
    counter.increment();
  }
}
