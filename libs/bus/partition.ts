/**
 * Maps a bot to its partition: `fnv1a32(botId) % partitions`, the same FNV-1a 32 hash the
 * NATS server's own `partition()` subject mapping uses.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a 32-bit hash of the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

export function partitionOf(botId: string, partitions: number): number {
  return fnv1a32(botId) % partitions;
}
