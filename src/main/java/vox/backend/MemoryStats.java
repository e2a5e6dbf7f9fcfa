package vox.backend;

/**
 * What a backend's allocator holds, in bytes: in use by live tensors now,
 * the most ever in use at once, and cached in its pool for reuse.
 */
public record MemoryStats(long currentBytes, long peakBytes, long pooledBytes) {
}
