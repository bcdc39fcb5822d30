package org.ppdb.storage.lsm;

import java.util.List;
import org.ppdb.storage.manifest.Version;
import org.ppdb.storage.memtable.Memtable;

/**
 * What a reader needs, published atomically: the mutable memtable, the immutable ones waiting for
 * flush (newest first) and the current version of the tables.
 */
record State(Memtable mem, List<Memtable> imms, Version version) {}
