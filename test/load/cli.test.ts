import { describe, expect, it } from 'vitest';
import { parseLoadArgs, USAGE, UsageError } from '../../bench/load/cli-args.js';
import { profilesTitle } from '../../bench/load/profiles.js';

/** `npm run bench:load` / `npm run load` arguments: usage, and refusals that name the argument. */
describe('parseLoadArgs', () => {
  it('takes --help, and fills the key from ADMIN_API_KEY', () => {
    expect(parseLoadArgs(['--profiles', '--help'])).toMatchObject({ help: true });
    expect(parseLoadArgs(['--profiles'], { ADMIN_API_KEY: 'k' })).toMatchObject({ key: 'k', only: [] });
    expect(USAGE).toContain('npm run bench:load');
  });

  it('reads the numbers and the families', () => {
    expect(
      parseLoadArgs([
        '--profiles',
        '--members',
        '1000',
        '--duration',
        '0.5',
        '--warmup',
        '0',
        '--only',
        'route,call',
      ]),
    ).toMatchObject({ members: 1000, duration: 0.5, warmup: 0, only: ['route', 'call'] });
  });

  it.each([
    [['--members', '5'], '--members must be a whole number ≥ 1000, not 5'],
    [['--members', '2000.5'], '--members must be a whole number ≥ 1000, not 2000.5'],
    [['--connections', '0'], '--connections must be a whole number ≥ 1, not 0'],
    [['--duration', 'ten'], '--duration must be a number ≥ 0, not ten'],
    [['--rate', '0'], '--rate must be more than 0'],
    [['--only', 'route,fax'], '--only: unknown fax (choose among baseline, route, sms, call, conference)'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--replay', 'x.jsonl'], '--replay needs --url of the target'],
    [['--record', 'x.jsonl'], '--record needs --url'],
  ])('%j is refused: %s', (args, message) => {
    expect(() => parseLoadArgs(['--profiles', ...args])).toThrow(UsageError);
    expect(() => parseLoadArgs(['--profiles', ...args])).toThrow(message);
  });
});

describe('the load report title', () => {
  it('names only the families that ran, in run order', () => {
    expect(profilesTitle([{ endpoint: 'call' }, { endpoint: 'route' }, { endpoint: 'route' }])).toBe(
      'Load profiles: route, call',
    );
    expect(profilesTitle([{ endpoint: 'sms' }])).toBe('Load profiles: SMS');
  });
});
