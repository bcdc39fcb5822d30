package org.ppdb.peer.transport;

import org.ppdb.peer.identity.NodeId;

/**
 * Pipeline event fired by {@link TlsPeerIdentifier} once the TLS handshake completed and the peer's
 * certificate proved {@code peer}; {@link FrameHandler} accepts frames only after it.
 */
record PeerAuthenticated(NodeId peer) {}
