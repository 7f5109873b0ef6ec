import { describe, expect, it } from 'vitest';
import { createOrderedWrites } from '../../../src/store/ordered-writes.js';

/** A write that finishes only when told: the test decides the order in which writes settle. */
function gate() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ordered writes', () => {
  it('starts a write on an idle key at once, in the caller’s turn', () => {
    const ordered = createOrderedWrites();
    let ran = false;
    void ordered.run(['a'], async () => {
      ran = true;
    });
    expect(ran).toBe(true);
  });

  it('runs writes on one key one after the other, whatever order their stores answer in', async () => {
    const ordered = createOrderedWrites();
    const started: string[] = [];
    const first = gate();
    const second = gate();
    const a1 = ordered.run(['a'], async () => {
      started.push('a1');
      await first.promise;
    });
    const a2 = ordered.run(['a'], async () => {
      started.push('a2');
      await second.promise;
    });
    const a3 = ordered.run(['a'], async () => {
      started.push('a3');
    });
    // Another key is not held up by a.
    const b1 = ordered.run(['b'], async () => {
      started.push('b1');
    });
    await b1;
    expect(started).toEqual(['a1', 'b1']);
    second.open();
    await turn();
    expect(started).toEqual(['a1', 'b1']);
    first.open();
    await Promise.all([a1, a2, a3]);
    expect(started).toEqual(['a1', 'b1', 'a2', 'a3']);
  });

  it('a write on several keys waits for each, and the writes after it on any of them wait for it', async () => {
    const ordered = createOrderedWrites();
    const log: string[] = [];
    const a = gate();
    const b = gate();
    void ordered.run(['a'], async () => {
      await a.promise;
      log.push('a');
    });
    void ordered.run(['b'], async () => {
      await b.promise;
      log.push('b');
    });
    const both = ordered.run(['a', 'b'], async () => {
      log.push('a+b');
    });
    const afterB = ordered.run(['b'], async () => {
      log.push('b again');
    });
    b.open();
    await turn();
    expect(log).toEqual(['b']);
    a.open();
    await Promise.all([both, afterB]);
    expect(log).toEqual(['b', 'a', 'a+b', 'b again']);
  });

  it('a failed write rejects its caller only; the next on its key still runs', async () => {
    const ordered = createOrderedWrites();
    const failing = gate();
    const first = ordered.run(['a'], () => failing.promise);
    const second = ordered.run(['a'], async () => 'second');
    failing.fail(new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await expect(second).resolves.toBe('second');
  });

  it('a write that throws at once is a rejection, not a throw at the caller', async () => {
    const ordered = createOrderedWrites();
    const result = ordered.run(['a'], () => {
      throw new Error('bad');
    });
    await expect(result).rejects.toThrow('bad');
  });

  it('settled and idle wait for what was queued before them', async () => {
    const ordered = createOrderedWrites();
    const a = gate();
    const done: string[] = [];
    void ordered.run(['a'], async () => {
      await a.promise;
      done.push('a');
    });
    let settled = false;
    void ordered.settled('a').then(() => {
      settled = true;
    });
    let idle = false;
    void ordered.idle().then(() => {
      idle = true;
    });
    await expect(ordered.settled('other')).resolves.toBeUndefined();
    await turn();
    expect([settled, idle]).toEqual([false, false]);
    a.open();
    await ordered.idle();
    await turn();
    expect([settled, idle, done]).toEqual([true, true, ['a']]);
  });
});
