import { describe, expect, it, vi } from 'vitest';
import { newId } from '../../../src/domain/ids.js';

describe('newId', () => {
  it('is the prefix and a lower-case ULID', () => {
    expect(newId('mem')).toMatch(/^mem_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('sorts in creation order and never repeats, across many ids in the same millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('call'));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('draws the random part from the whole alphabet (the pooled bytes are used, not repeated)', () => {
    // A new millisecond draws a fresh random part; within one, ulid increments the last.
    let now = Date.now() + 1_000;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => ++now);
    try {
      const randomParts = new Set<string>();
      const characters = new Set<string>();
      // 1,000 ids of 16 random characters: past the 4 KiB pool, so it is refilled at least thrice.
      for (let i = 0; i < 1_000; i++) {
        const random = newId('x').slice(2 + 10);
        randomParts.add(random);
        for (const c of random) characters.add(c);
      }
      expect(randomParts.size).toBe(1_000);
      expect(characters.size).toBe(32);
    } finally {
      clock.mockRestore();
    }
  });
});
