/**
 * A command's output as it arrives: chunks kept as they come (no copy of all so far per chunk,
 * which costs quadratic time on an output of megabytes), searched for an end marker that may
 * straddle two chunks. Once found, the marker's offset stays known while the rest of its line
 * arrives.
 */
export class Gathered {
  #chunks: Buffer[] = [];
  #length = 0;
  #markerAt = -1;

  get length(): number { return this.#length; }

  /** Adds a chunk; the offset of `marker` in all gathered bytes once it has arrived, else -1. */
  add(b: Buffer, marker: Buffer): number {
    if (this.#markerAt < 0) {
      const keep = Math.min(this.#length, marker.length - 1);
      const window = keep > 0 ? Buffer.concat([this.#last(keep), b]) : b;
      const at = window.indexOf(marker);
      if (at >= 0) this.#markerAt = this.#length - keep + at;
    }
    this.#chunks.push(b);
    this.#length += b.length;
    return this.#markerAt;
  }

  /** Bytes `from` (inclusive) to `to` (exclusive) of all gathered so far. */
  slice(from: number, to = this.#length): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks, this.#length)];
    return (this.#chunks[0] ?? Buffer.alloc(0)).subarray(from, to);
  }

  #last(n: number): Buffer {
    const parts: Buffer[] = [];
    for (let i = this.#chunks.length - 1, need = n; i >= 0 && need > 0; i--) {
      const c = this.#chunks[i]!;
      parts.unshift(c.length > need ? c.subarray(c.length - need) : c);
      need -= Math.min(need, c.length);
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}
