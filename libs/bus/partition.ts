/**
 * Maps a bot to its partition: `fnv1a32(botId) % partitions`, the same FNV-1a 32 hash the
 * NATS server's own `partition()` subject mapping uses.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/** FNV-1a 32-bit hash of the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  // Bot ids are ASCII, whose UTF-8 bytes are the char codes: skip the encoder (it runs on every publish).
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0x80) return fnv1a32Bytes(utf8.encode(text));
    hash ^= code;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

function fnv1a32Bytes(bytes: Uint8Array): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** The partition of `botId` among `partitions`. */
export function partitionOf(botId: string, partitions: number): number {
  return fnv1a32(botId) % partitions;
}
