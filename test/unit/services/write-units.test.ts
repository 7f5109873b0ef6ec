import { describe, expect, it } from 'vitest';
import { createWriteUnits } from '../../../src/services/write-units.js';
import { createOrderedWrites } from '../../../src/store/ordered-writes.js';
import type { AppStore } from '../../../src/store/repositories.js';
import { gate } from '../../helpers/gate.js';

// No entity writes here: only what is followed beside the unit (a conference's SMS).
const units = () => createWriteUnits({ store: {} as AppStore, ordered: createOrderedWrites() });
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('writes followed beside a unit', () => {
  it("hold the unit's answer until they are written", async () => {
    const u = units();
    const sms = gate();
    let answered = false;
    const acted = u
      .act(() => {
        u.follow(sms.opened);
        return 'changed';
      })
      .then((value) => {
        answered = true;
        return value;
      });
    await turns(3);
    expect(answered).toBe(false);
    sms.open();
    expect(await acted).toBe('changed');
  });

  it('hold idle() too, inside a unit or outside any', async () => {
    const u = units();
    const inside = gate();
    const outside = gate();
    u.background(
      () => u.follow(inside.opened),
      (error) => {
        throw error;
      },
    );
    u.follow(outside.opened);
    let idle = false;
    const settled = u.idle().then(() => {
      idle = true;
    });
    inside.open();
    await turns(3);
    expect(idle).toBe(false);
    outside.open();
    await settled;
    expect(idle).toBe(true);
  });

  it('belong to the unit they were made in only', async () => {
    const u = units();
    const first = gate();
    u.background(
      () => u.follow(first.opened),
      () => {},
    );
    // A later unit does not wait for the earlier unit's followed write.
    expect(await u.act(() => 'second')).toBe('second');
    first.open();
  });
});
