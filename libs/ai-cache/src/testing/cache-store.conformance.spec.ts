import { MemoryStore } from '../stores/memory.store';
import { describeCacheStoreConformance } from './cache-store.conformance';

// The memory driver's store, as cache-store.factory makes it (the sweep timer off: nothing to wait for).
describeCacheStoreConformance('MemoryStore', () => new MemoryStore({ maxEntries: 1000, maxEntryBytes: 1024 * 1024, purgeIntervalMs: 0 }));

// The L1 tier's: a max age far beyond the entries' lifetimes changes nothing a caller can see.
describeCacheStoreConformance('MemoryStore with maxAgeMs', () => new MemoryStore({ maxEntries: 1000, maxAgeMs: 10 * 60_000, purgeIntervalMs: 0 }));
