/**
 * A `Map` keyed by numbers as dialled (E.164 numbers, short codes) whose reads compare
 * numbers, not strings.
 *
 * The directory's number maps (100,000 members and more) are read on every routing decision,
 * and with string keys each read hashes the caller's string, walks a bucket chain through the
 * heap and compares the stored key's characters: measured, more than half of a decision's
 * time at 100k members went to `Map` lookups and string comparisons, most of it cache misses.
 * Here a key of 1–15 digits, with or without a leading `+`, is read as a number (see
 * `dialledValue`) and found by open addressing in a typed array: one probe sequence through
 * contiguous memory, no key string touched.
 *
 * It is still a `Map`: every entry is also held by the `Map` itself, so iteration order, `size`
 * and every method behave exactly as a `Map`'s; `get`, `has`, `set`, `delete` and `clear`
 * keep the number table in step. Keys of any other form (never in the directory, but a
 * `Map` takes anything) live in the `Map` alone.
 */

const EMPTY = 0;
const DELETED = -1;
const PLUS = 43;
const ZERO = 48;
const NINE = 57;
/** 15 digits, E.164's longest, stay below 2^53: the number is exact. */
const MAX_DIGITS = 15;
const INITIAL_BITS = 4;
const POWERS_OF_TEN = Array.from({ length: MAX_DIGITS + 1 }, (_, n) => 10 ** n);

/**
 * The number standing for a dialled string, distinct for distinct strings, or NaN when the
 * string is not 1–15 digits with an optional leading `+`.
 * - `+` and digits (E.164): the number they spell, `+8613800138000` → 8613800138000. No
 *   country code starts with 0, so such keys (and `+0…`) are not indexed.
 * - digits alone (a short code, a national number): minus (10^length + the digits), so that
 *   `0601`, `601` and `+601` stay three keys: `601` → -1601, `0601` → -10601.
 * 0 and -1 are never produced: they mark empty and deleted slots.
 */
export function dialledValue(key: string): number {
  const length = key.length;
  const plus = length > 0 && key.charCodeAt(0) === PLUS;
  const digits = plus ? length - 1 : length;
  if (digits < 1 || digits > MAX_DIGITS) return Number.NaN;
  let value = 0;
  for (let i = plus ? 1 : 0; i < length; i++) {
    const c = key.charCodeAt(i);
    if (c < ZERO || c > NINE) return Number.NaN;
    value = value * 10 + (c - ZERO);
  }
  if (!plus) return -(POWERS_OF_TEN[digits]! + value);
  return key.charCodeAt(1) === ZERO ? Number.NaN : value;
}

export class NumberIndex<V> extends Map<string, V> {
  // Declared, not initialised: `emptyTable` gives every field its first value, so that their
  // shapes (a typed array, small integers) are the ones the hot path reads.
  /** The numbers of the table's slots; EMPTY or DELETED when none. */
  declare private numbers: Float64Array;
  /** The entry of each slot's number. */
  declare private held: (V | undefined)[];
  declare private shift: number;
  /** Slots holding a number, and slots marked DELETED (both lengthen probe sequences). */
  declare private used: number;
  declare private deleted: number;

  constructor() {
    super();
    this.emptyTable(INITIAL_BITS);
  }

  override get(key: string): V | undefined {
    const value = dialledValue(key);
    if (Number.isNaN(value)) return super.get(key);
    const slot = this.find(value);
    return slot < 0 ? undefined : this.held[slot];
  }

  override has(key: string): boolean {
    const value = dialledValue(key);
    return Number.isNaN(value) ? super.has(key) : this.find(value) >= 0;
  }

  override set(key: string, entry: V): this {
    super.set(key, entry);
    const value = dialledValue(key);
    if (Number.isNaN(value)) return this;
    const found = this.find(value);
    if (found >= 0) {
      this.held[found] = entry;
      return this;
    }
    // A rebuild places every number the Map holds, this one included.
    if ((this.used + this.deleted + 1) * 2 > this.numbers.length) this.rebuild();
    else this.place(value, entry);
    return this;
  }

  override delete(key: string): boolean {
    const removed = super.delete(key);
    const value = dialledValue(key);
    if (Number.isNaN(value)) return removed;
    const slot = this.find(value);
    if (slot >= 0) {
      this.numbers[slot] = DELETED;
      this.held[slot] = undefined;
      this.used--;
      this.deleted++;
    }
    return removed;
  }

  override clear(): void {
    super.clear();
    this.emptyTable(INITIAL_BITS);
  }

  /** An empty table of 2^bits slots. */
  private emptyTable(bits: number): void {
    this.numbers = new Float64Array(1 << bits);
    this.held = new Array(1 << bits);
    this.shift = 32 - bits;
    this.used = 0;
    this.deleted = 0;
  }

  /** Fibonacci hashing of the number's two 32-bit halves: the top bits pick the first slot. */
  private home(value: number): number {
    const low = (value % 4_294_967_296) | 0;
    const high = (value / 4_294_967_296) | 0;
    return Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1) >>> this.shift;
  }

  /** The slot holding `value`, or -1. Linear probing; the table is at most half full. */
  private find(value: number): number {
    const numbers = this.numbers;
    const mask = numbers.length - 1;
    for (let slot = this.home(value); ; slot = (slot + 1) & mask) {
      const held = numbers[slot]!;
      if (held === value) return slot;
      if (held === EMPTY) return -1;
    }
  }

  private place(value: number, entry: V): void {
    const numbers = this.numbers;
    const mask = numbers.length - 1;
    let slot = this.home(value);
    while (numbers[slot] !== EMPTY && numbers[slot] !== DELETED) slot = (slot + 1) & mask;
    if (numbers[slot] === DELETED) this.deleted--;
    numbers[slot] = value;
    this.held[slot] = entry;
    this.used++;
  }

  /** A fresh table for the numbers held, sized so that it is at most a quarter full. */
  private rebuild(): void {
    let bits = INITIAL_BITS;
    while (1 << bits < (this.used + 1) * 4) bits++;
    this.emptyTable(bits);
    for (const [key, entry] of super.entries()) {
      const value = dialledValue(key);
      if (!Number.isNaN(value)) this.place(value, entry);
    }
  }
}
