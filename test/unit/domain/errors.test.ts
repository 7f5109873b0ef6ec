import { describe, expect, it } from 'vitest';
import { AppError, describeIssues, ERRORS, fieldPath } from '../../../src/domain/errors.js';

const inBody = (path: string) => (path === '' ? 'body' : `body.${path}`);

describe('fieldPath', () => {
  it('joins names below a base, the whole input adding nothing', () => {
    expect(fieldPath('', 'memberId')).toBe('memberId');
    expect(fieldPath('participants.2', 'contactId')).toBe('participants.2.contactId');
    expect(fieldPath('', 'participants', 0)).toBe('participants.0');
    expect(fieldPath('')).toBe('');
  });
});

describe('AppError', () => {
  it('takes its status and default detail from the catalogue', () => {
    const error = new AppError('short_code_taken');
    expect(error.status).toBe(409);
    expect(error.message).toBe(ERRORS.short_code_taken.title);
  });

  it('moves the paths of its issues and keeps a detail that names none', () => {
    const error = new AppError('tier_mismatch', 'tier D is for individual businesses', [
      { path: 'valueTier', message: 'not allowed' },
    ]);
    const moved = error.withPaths(inBody);
    expect(moved.errors).toEqual([{ path: 'body.valueTier', message: 'not allowed' }]);
    expect(moved.message).toBe('tier D is for individual businesses');
    expect(moved.code).toBe('tier_mismatch');
    expect(moved.status).toBe(422);
    // The reporter's error is left as it was.
    expect(error.errors).toEqual([{ path: 'valueTier', message: 'not allowed' }]);
  });

  it('is itself when it names no field', () => {
    const error = new AppError('not_found', 'group not found');
    expect(error.withPaths(inBody)).toBe(error);
  });

  it('lists its issues in the detail, with the moved paths once moved', () => {
    const error = AppError.listing('validation_failed', 'invalid body', [
      { path: 'schedule.start', message: 'not a time' },
      { path: '', message: 'must be an object' },
    ]);
    expect(error.message).toBe('invalid body: schedule.start: not a time; : must be an object');
    const moved = error.withPaths(inBody);
    expect(moved.message).toBe('invalid body: body.schedule.start: not a time; body: must be an object');
    expect(moved.errors).toEqual([
      { path: 'body.schedule.start', message: 'not a time' },
      { path: 'body', message: 'must be an object' },
    ]);
  });

  it('words a message naming another field again where the paths end up, moved as often as asked', () => {
    const error = AppError.naming('duplicate_participant', (pathOf) => {
      const message = `13800000000 is already in the list (${pathOf('hostMsisdn')})`;
      return { detail: message, errors: [{ path: pathOf('participants.0'), message }] };
    });
    expect(error.message).toBe('13800000000 is already in the list (hostMsisdn)');
    const moved = error.withPaths(inBody);
    expect(moved.message).toBe('13800000000 is already in the list (body.hostMsisdn)');
    expect(moved.errors).toEqual([
      { path: 'body.participants.0', message: '13800000000 is already in the list (body.hostMsisdn)' },
    ]);
    expect(moved.withPaths((path) => `x.${path}`).errors?.[0]?.path).toBe('x.body.participants.0');
  });

  it('describes issues as path: message pairs', () => {
    expect(
      describeIssues([
        { path: 'a', message: 'one' },
        { path: 'b.0', message: 'two' },
      ]),
    ).toBe('a: one; b.0: two');
  });
});
