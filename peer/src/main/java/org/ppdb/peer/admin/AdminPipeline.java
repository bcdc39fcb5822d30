package org.ppdb.peer.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP pipeline of one connection: idle timeout, Netty's HTTP codec with line and header
 * limits, an aggregator with the body limit, and the router. Installed by {@link AdminServer} on
 * every accepted connection, and by tests on an {@code EmbeddedChannel}.
 *
 * <p>Routes: {@code GET /health}, {@code GET /members}, {@code GET /metrics}; any other path is
 * 404, another method on a known path 405 with {@code Allow: GET}. Malformed requests get 400, an
 * overlong request line 414, an overlong header block 431, an overlong body 413 (from the
 * aggregator), each followed by closing the connection, because after a framing error the rest of
 * the byte stream cannot be trusted.
 */
final class AdminPipeline {

  private static final Logger log = LoggerFactory.getLogger(AdminPipeline.class);

  /** Room in the request line for the method, spaces and protocol version beside the URI. */
  static final int REQUEST_LINE_SLACK_BYTES = 32;

  static final String JSON = "application/json; charset=utf-8";
  static final String TEXT = "text/plain; charset=utf-8";
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private static final Map<String, String> ROUTES =
      Map.of("/health", "health", "/members", "members", "/metrics", "metrics");

  private AdminPipeline() {}

  static void install(ChannelPipeline pipeline, AdminEndpoints endpoints) {
    AdminConfig config = endpoints.config;
    pipeline.addLast(
        "idle", new IdleStateHandler(0, 0, config.idleTimeoutNanos(), TimeUnit.NANOSECONDS));
    pipeline.addLast(
        "http",
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(config.uriBytesMax() + REQUEST_LINE_SLACK_BYTES)
                .setMaxHeaderSize(config.headerBytesMax())
                .setMaxChunkSize(Math.max(1, config.requestBytesMax()))));
    pipeline.addLast("aggregator", new CountingAggregator(config.requestBytesMax(), endpoints));
    pipeline.addLast("router", new Router(endpoints));
  }

  /** The aggregator, counting the 413 answers it sends by itself. */
  private static final class CountingAggregator extends HttpObjectAggregator {
    private final AdminEndpoints endpoints;

    CountingAggregator(int maxContentLength, AdminEndpoints endpoints) {
      super(maxContentLength);
      this.endpoints = endpoints;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
        throws Exception {
      endpoints.countResponse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
      super.handleOversizedMessage(ctx, oversized);
    }
  }

  @ChannelHandler.Sharable
  private static final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final AdminEndpoints endpoints;

    Router(AdminEndpoints endpoints) {
      super(FullHttpRequest.class);
      this.endpoints = endpoints;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (request.decoderResult().isFailure()) {
        Throwable cause = request.decoderResult().cause();
        HttpResponseStatus status =
            cause instanceof TooLongHttpLineException
                ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                : cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
        log.debug(
            "admin: refused a malformed request from {}: {}", ctx.channel(), cause.toString());
        respond(ctx, request, status, TEXT, status + "\n", false);
        return;
      }
      if (request.uri().length() > endpoints.config.uriBytesMax()) {
        HttpResponseStatus status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
        respond(ctx, request, status, TEXT, status + "\n", false);
        return;
      }
      String path;
      try {
        path = new QueryStringDecoder(request.uri()).path();
      } catch (IllegalArgumentException e) {
        HttpResponseStatus status = HttpResponseStatus.BAD_REQUEST;
        respond(ctx, request, status, TEXT, status + "\n", false);
        return;
      }
      String route = ROUTES.get(path);
      if (route == null) {
        HttpResponseStatus status = HttpResponseStatus.NOT_FOUND;
        respond(
            ctx, request, status, TEXT, status + "\n(try /health, /members or /metrics)\n", true);
        return;
      }
      if (!HttpMethod.GET.equals(request.method())) {
        HttpResponseStatus status = HttpResponseStatus.METHOD_NOT_ALLOWED;
        FullHttpResponse response = response(ctx, status, TEXT, status + "\n");
        response.headers().set(HttpHeaderNames.ALLOW, "GET");
        send(ctx, request, response, true);
        return;
      }
      try {
        switch (route) {
          case "health" -> health(ctx, request);
          case "members" ->
              respond(
                  ctx,
                  request,
                  HttpResponseStatus.OK,
                  JSON,
                  MembersJson.write(members()) + "\n",
                  true);
          default ->
              respond(
                  ctx,
                  request,
                  HttpResponseStatus.OK,
                  PROMETHEUS_TEXT,
                  endpoints.registry.scrape(PROMETHEUS_TEXT),
                  true);
        }
      } catch (RuntimeException e) {
        log.warn("admin: {} failed", path, e);
        HttpResponseStatus status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
        respond(ctx, request, status, TEXT, status + "\n", true);
      }
    }

    private List<MemberSnapshot> members() {
      List<MemberSnapshot> members = endpoints.membership.members();
      if (members == null) {
        throw new IllegalStateException("membership source returned null");
      }
      return members;
    }

    private void health(ChannelHandlerContext ctx, FullHttpRequest request) {
      HealthReport report = endpoints.health.health();
      if (report == null) {
        throw new IllegalStateException("health source returned null");
      }
      StringBuilder json = new StringBuilder(128).append("{\"status\":");
      Json.writeString(json, report.healthy() ? "up" : "down").append(",\"summary\":");
      Json.writeString(json, report.summary()).append(",\"details\":{");
      boolean first = true;
      for (Map.Entry<String, String> detail : report.details().entrySet()) {
        Json.writeString(json.append(first ? "" : ","), detail.getKey()).append(':');
        Json.writeString(json, detail.getValue());
        first = false;
      }
      json.append("}}\n");
      HttpResponseStatus status =
          report.healthy() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
      respond(ctx, request, status, JSON, json.toString(), true);
    }

    private void respond(
        ChannelHandlerContext ctx,
        FullHttpRequest request,
        HttpResponseStatus status,
        String contentType,
        String body,
        boolean mayKeepAlive) {
      send(ctx, request, response(ctx, status, contentType, body), mayKeepAlive);
    }

    private static FullHttpResponse response(
        ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, String body) {
      ByteBuf content = ctx.alloc().buffer(body.length());
      content.writeCharSequence(body, StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
      response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
      HttpUtil.setContentLength(response, content.readableBytes());
      return response;
    }

    private void send(
        ChannelHandlerContext ctx,
        FullHttpRequest request,
        FullHttpResponse response,
        boolean mayKeepAlive) {
      endpoints.countResponse(response.status());
      boolean keepAlive = mayKeepAlive && HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      if (keepAlive) {
        ctx.writeAndFlush(response, ctx.voidPromise());
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof IdleStateEvent) {
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // Resets and decoder errors from a client are the client's problem; never the node's.
      log.debug("admin: closing {} after {}", ctx.channel(), cause.toString());
      ctx.close();
    }
  }
}
