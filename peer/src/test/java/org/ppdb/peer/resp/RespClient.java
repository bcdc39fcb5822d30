package org.ppdb.peer.resp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal blocking RESP2 client over a real socket for integration tests: writes raw commands and
 * parses replies into Java values (String for simple strings, "-..." strings for errors, Long,
 * byte[]-backed String for bulk strings, null, List for arrays).
 */
final class RespClient implements AutoCloseable {
  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RespClient(InetSocketAddress address) throws IOException {
    socket = new Socket();
    socket.connect(address, 5_000);
    socket.setSoTimeout(20_000);
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = socket.getOutputStream();
  }

  void write(String raw) throws IOException {
    out.write(raw.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  Object call(String... args) throws IOException {
    write(RespFixture.command(args));
    return read();
  }

  /** One reply; throws at end of stream. */
  Object read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new java.io.EOFException("connection closed");
    }
    String line = line();
    switch (type) {
      case '+':
        return line;
      case '-':
        return "-" + line;
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int n = Integer.parseInt(line);
          if (n < 0) {
            return null;
          }
          byte[] bytes = in.readNBytes(n);
          line();
          return new String(bytes, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int n = Integer.parseInt(line);
          if (n < 0) {
            return null;
          }
          List<Object> items = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            items.add(read());
          }
          return items;
        }
      default:
        throw new IOException("unexpected reply type " + (char) type);
    }
  }

  /** Whether the server closed the connection (reads end of stream). */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new java.io.EOFException("connection closed in a line");
      }
      buf.write(c);
    }
    if (in.read() != '\n') {
      throw new IOException("expected LF");
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
