/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) for the synthetic data generator.
 *
 * Every person gets its own stream derived from (seed, person index), so a person's records do not
 * depend on how many random numbers earlier persons consumed; the output is a pure function of the
 * options. Never use Math.random here.
 */

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const F64 = new DataView(new ArrayBuffer(8));

/** Mixes a list of numbers (any finite value, by its IEEE 754 bits) into one 32-bit value; order matters. */
export function mix(...parts: number[]): number {
  const st = { s: 0x2545f491 };
  let h = 0;
  for (const p of parts) {
    F64.setFloat64(0, p === 0 ? 0 : p); // -0 and 0 are one seed
    for (const word of [F64.getUint32(0), F64.getUint32(4)]) {
      st.s = (st.s ^ word) | 0;
      h = (h ^ splitmix32(st)) >>> 0;
      st.s = (st.s + h) | 0;
    }
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @example new Rng(42, 7, 1) // the stream for seed 42, person 7, purpose 1 */
  constructor(...seedParts: number[]) {
    const st = { s: mix(...seedParts) | 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** An independent copy with the same state (used to probe a construction, then build it for real). */
  clone(): Rng {
    const r = Object.create(Rng.prototype) as Rng;
    r.a = this.a;
    r.b = this.b;
    r.c = this.c;
    r.d = this.d;
    return r;
  }

  nextU32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    const t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const r = (t + this.d) | 0;
    this.c = (this.c + r) | 0;
    return r >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max < min) throw new Error(`Rng.int: empty range [${min}, ${max}]`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  real(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: `weighted([['A', 3], ['B', 1]])` returns 'A' three times as often as 'B'. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let x = this.next() * total;
    for (const [v, w] of entries) {
      x -= w;
      if (x < 0) return v;
    }
    return entries[entries.length - 1][0];
  }

  /** Fisher–Yates in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}
