import { describe, expect, it } from 'vitest';
import type { SimSubscriberRow } from '../../../../src/store/sim-subscriber-repo.js';
import { BACKENDS } from '../../../helpers/backends.js';
import { directoryBackends } from '../../../helpers/directory-repos.js';

const backends = directoryBackends();

const behaviour = (msisdn: string, overrides: Partial<SimSubscriberRow> = {}): SimSubscriberRow => ({
  msisdn,
  behaviour: 'answer',
  afterSeconds: 3,
  updatedAt: 1_700_000_000_000,
  ...overrides,
});

describe.each(BACKENDS)('the SIM subscriber repository on %s', (name) => {
  const store = backends.storeFor(name);

  it('sets a number’s behaviour, telling whether it had none, and lists them', async () => {
    const { simSubscribers } = store().repos;
    expect(await simSubscribers.all()).toEqual([]);
    expect(await simSubscribers.put(behaviour('+8613800000001'))).toBe(true);
    expect(
      await simSubscribers.put(behaviour('+8613800000002', { behaviour: 'busy', afterSeconds: 0 })),
    ).toBe(true);
    const changed = behaviour('+8613800000001', {
      behaviour: 'no_answer',
      afterSeconds: 30,
      updatedAt: 1_800_000_000_000,
    });
    expect(await simSubscribers.put(changed)).toBe(false);
    expect(await simSubscribers.all()).toEqual([
      changed,
      behaviour('+8613800000002', { behaviour: 'busy', afterSeconds: 0 }),
    ]);
  });

  it('tells exactly one of two puts at once that it created the number’s behaviour', async () => {
    const { simSubscribers } = store().repos;
    for (let n = 0; n < 10; n++) {
      const msisdn = `+86138000001${n}0`;
      const created = await Promise.all([
        simSubscribers.put(behaviour(msisdn, { behaviour: 'reject' })),
        simSubscribers.put(behaviour(msisdn, { behaviour: 'answer' })),
      ]);
      expect(created.filter(Boolean)).toHaveLength(1);
    }
    expect(await simSubscribers.all()).toHaveLength(10);
  });
});
