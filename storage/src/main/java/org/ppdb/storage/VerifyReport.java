package org.ppdb.storage;

/**
 * What {@link StorageEngine#verify} checked: all checksums passed.
 *
 * @param files files read (tables, logs, manifest)
 * @param blocks checksummed blocks or records read
 * @param bytes bytes read
 */
public record VerifyReport(int files, long blocks, long bytes) {}
