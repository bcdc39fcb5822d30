package org.ppdb.peer.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command ({@code SET "a b" c} typed into telnet) into arguments the way Redis'
 * {@code sdssplitargs} does: blanks separate arguments; double quotes allow {@code \n \r \t \b \a
 * \\ \" \xHH} escapes; single quotes allow {@code \'}; a closing quote must be followed by a blank
 * or the end. Stateless.
 */
final class InlineCommand {
  private InlineCommand() {}

  /**
   * The arguments of {@code line}.
   *
   * @throws RespProtocolException on unbalanced quotes
   */
  static List<byte[]> split(String line) {
    byte[] in = line.getBytes(StandardCharsets.UTF_8);
    List<byte[]> args = new ArrayList<>();
    int i = 0;
    while (true) {
      while (i < in.length && isBlank(in[i])) {
        i++;
      }
      if (i >= in.length) {
        return args;
      }
      ByteArrayOutputStream current = new ByteArrayOutputStream();
      boolean inDouble = false;
      boolean inSingle = false;
      boolean done = false;
      while (!done) {
        if (inDouble) {
          if (i >= in.length) {
            throw new RespProtocolException("unbalanced quotes in request");
          }
          byte c = in[i];
          if (c == '\\'
              && i + 3 < in.length
              && in[i + 1] == 'x'
              && isHex(in[i + 2])
              && isHex(in[i + 3])) {
            current.write(Character.digit(in[i + 2], 16) * 16 + Character.digit(in[i + 3], 16));
            i += 3;
          } else if (c == '\\' && i + 1 < in.length) {
            i++;
            current.write(
                switch (in[i]) {
                  case 'n' -> '\n';
                  case 'r' -> '\r';
                  case 't' -> '\t';
                  case 'b' -> '\b';
                  case 'a' -> 7;
                  default -> in[i];
                });
          } else if (c == '"') {
            if (i + 1 < in.length && !isBlank(in[i + 1])) {
              throw new RespProtocolException("unbalanced quotes in request");
            }
            done = true;
          } else {
            current.write(c);
          }
        } else if (inSingle) {
          if (i >= in.length) {
            throw new RespProtocolException("unbalanced quotes in request");
          }
          byte c = in[i];
          if (c == '\\' && i + 1 < in.length && in[i + 1] == '\'') {
            i++;
            current.write('\'');
          } else if (c == '\'') {
            if (i + 1 < in.length && !isBlank(in[i + 1])) {
              throw new RespProtocolException("unbalanced quotes in request");
            }
            done = true;
          } else {
            current.write(c);
          }
        } else {
          if (i >= in.length) {
            break;
          }
          byte c = in[i];
          if (isBlank(c)) {
            done = true;
          } else if (c == '"') {
            inDouble = true;
          } else if (c == '\'') {
            inSingle = true;
          } else {
            current.write(c);
          }
        }
        if (i < in.length) {
          i++;
        }
      }
      args.add(current.toByteArray());
    }
  }

  private static boolean isBlank(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0;
  }

  private static boolean isHex(byte c) {
    return Character.digit(c, 16) >= 0;
  }
}
