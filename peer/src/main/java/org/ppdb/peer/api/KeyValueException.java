package org.ppdb.peer.api;

/**
 * An operating error of a {@link KeyValueService} request that the caller must report: the request
 * did not succeed, and (for {@link RequestTimeoutException} on writes) may or may not have taken
 * effect. Storage errors that are not one of these kinds arrive as the engine's own exceptions.
 */
public abstract sealed class KeyValueException extends RuntimeException
    permits ReplicasUnavailableException,
        RequestTimeoutException,
        OverloadedException,
        VersionRejectedException {
  KeyValueException(String message) {
    super(message, null, false, false);
  }
}
