package org.ppdb.peer.resp;

import io.netty.handler.codec.DecoderException;

/**
 * Malformed or over-limit client input. The connection answers with {@code -ERR Protocol error:
 * <message>} after the replies it owes, then closes; input after the violation is discarded.
 */
final class RespProtocolException extends DecoderException {
  RespProtocolException(String message) {
    super(message);
  }
}
