import { describe, expect, it } from 'vitest';
import { idempotencyKeys } from '../../../../db/postgres/schema.js';
import type { IdempotencyRow } from '../../../../src/store/idempotency-repo.js';
import { createPostgresIdempotencyRepo } from '../../../../src/store/postgres/idempotency-repo.js';
import { BACKENDS } from '../../../helpers/backends.js';
import { repositoryBackends } from '../../../helpers/repository-backends.js';

const backends = repositoryBackends(
  (ex) => ({ idempotency: createPostgresIdempotencyRepo(ex) }),
  [idempotencyKeys],
);

type Reservation = Omit<IdempotencyRow, 'statusCode' | 'responseBody' | 'contentType'>;

function reservation(principal: string, key: string, createdAt = 1_000): Reservation {
  return { principal, key, method: 'POST', path: '/v1/groups', bodyHash: `body-${key}`, createdAt };
}

describe.each(BACKENDS)('the idempotency repository on %s', (name) => {
  const backend = backends.backendFor(name);
  const repo = () => backend.store.repos.idempotency;

  it('reserves a key once per principal; the reservation reads back pending', async () => {
    expect(await repo().reserve(reservation('admin', 'k1'))).toBe(true);
    expect(await repo().reserve(reservation('admin', 'k1', 2_000))).toBe(false);
    expect(await repo().reserve(reservation('key_1', 'k1'))).toBe(true);
    expect(await repo().find('admin', 'k1')).toEqual({
      ...reservation('admin', 'k1'),
      statusCode: null,
      responseBody: null,
      contentType: null,
    });
    expect(await repo().find('admin', 'K1')).toBeUndefined();
    expect(await repo().find('key_2', 'k1')).toBeUndefined();
  });

  it('gives a key to exactly one of many concurrent reservations', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => repo().reserve(reservation('admin', 'race', 1_000 + i))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await repo().find('admin', 'race')).toMatchObject({ createdAt: 1_000 + winner });
  });

  it('completes a reservation with the answer, text kept byte for byte', async () => {
    await repo().reserve(reservation('admin', 'k1'));
    const body = JSON.stringify({ name: "O'Brien 100% _集团_", nested: { list: [1, null] } });
    await repo().complete('admin', 'k1', 201, body, 'application/json; charset=utf-8');
    expect(await repo().find('admin', 'k1')).toMatchObject({
      statusCode: 201,
      responseBody: body,
      contentType: 'application/json; charset=utf-8',
    });
  });

  it("releases one principal's key only", async () => {
    await repo().reserve(reservation('admin', 'k1'));
    await repo().reserve(reservation('key_1', 'k1'));
    await repo().release('admin', 'k1');
    expect(await repo().find('admin', 'k1')).toBeUndefined();
    expect(await repo().find('key_1', 'k1')).toBeDefined();
    expect(await repo().reserve(reservation('admin', 'k1'))).toBe(true);
  });

  it('releases an expired reservation only when it was made before the cutoff', async () => {
    await repo().reserve(reservation('admin', 'k1', 1_000));
    await repo().releaseExpired('admin', 'k1', 1_000);
    expect(await repo().find('admin', 'k1')).toBeDefined();
    await repo().releaseExpired('admin', 'k1', 1_001);
    expect(await repo().find('admin', 'k1')).toBeUndefined();
  });

  it('purges every reservation made before the cutoff', async () => {
    await repo().reserve(reservation('admin', 'old', 999));
    await repo().reserve(reservation('key_1', 'old', 500));
    await repo().reserve(reservation('admin', 'edge', 1_000));
    await repo().reserve(reservation('admin', 'new', 4_102_444_800_000));
    await repo().purgeBefore(1_000);
    expect(await repo().find('admin', 'old')).toBeUndefined();
    expect(await repo().find('key_1', 'old')).toBeUndefined();
    expect(await repo().find('admin', 'edge')).toBeDefined();
    expect(await repo().find('admin', 'new')).toMatchObject({ createdAt: 4_102_444_800_000 });
  });
});
