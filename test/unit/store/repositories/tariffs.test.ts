import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../helpers/backends.js';
import { directoryBackends } from '../../../helpers/directory-repos.js';

const backends = directoryBackends();

const rates = (onnet: number) => ({
  voice: { onnetFenPerMinute: onnet, offnetFenPerMinute: 15, note: "50%_off 'promo' \\ 集团" },
  sms: [10, 0, null],
  huge: 9_007_199_254_740_991,
  flag: true,
});

describe.each(BACKENDS)('the tariff repository on %s', (name) => {
  const store = backends.storeFor(name);

  it('lists versions oldest first, whatever order they were added in; rates round-trip', async () => {
    const { tariffs } = store().repos;
    expect(await tariffs.all()).toEqual([]);
    await tariffs.put({ effectiveFrom: '2026-07-01', rates: rates(2), createdAt: 2 });
    await tariffs.put({ effectiveFrom: '2025-01-01', rates: rates(1), createdAt: 1 });
    await tariffs.put({ effectiveFrom: '2026-01-01', rates: rates(3), createdAt: 3 });
    expect(await tariffs.all()).toEqual([
      { effectiveFrom: '2025-01-01', rates: rates(1), createdAt: 1 },
      { effectiveFrom: '2026-01-01', rates: rates(3), createdAt: 3 },
      { effectiveFrom: '2026-07-01', rates: rates(2), createdAt: 2 },
    ]);
  });

  it('replaces only the rates of a version with the same effective date', async () => {
    const { tariffs } = store().repos;
    await tariffs.put({ effectiveFrom: '2026-01-01', rates: rates(1), createdAt: 1 });
    await tariffs.put({ effectiveFrom: '2026-01-01', rates: rates(9), createdAt: 5 });
    expect(await tariffs.all()).toEqual([{ effectiveFrom: '2026-01-01', rates: rates(9), createdAt: 1 }]);
  });
});
