import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { testConfig } from '../../../src/config.js';
import { nationalCalendarCoverage } from '../../../src/domain/calendar/national-calendar.js';
import { simulatedClock } from '../../../src/domain/clock.js';
import { T0 } from '../../helpers/app.js';

/** The start-up warnings of an app whose clock stands at `atMs`. */
async function startUpWarnings(atMs: number): Promise<{ msg: string; years?: number[] }[]> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const app = await buildApp({
    config: testConfig(),
    clock: simulatedClock(atMs),
    logger: { level: 'warn', stream },
  });
  await app.close();
  return lines.map((line) => JSON.parse(line)).filter((entry) => entry.level === 40);
}

const gapWarning = (entries: { msg: string; years?: number[] }[]) =>
  entries.filter((entry) => entry.msg.startsWith('the shipped national holiday calendar'));

describe('start-up: the shipped national calendar', () => {
  it("names the years of the clock's year and the next that the calendar lacks", async () => {
    const warnings = gapWarning(await startUpWarnings(Date.UTC(2040, 5, 1)));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.years).toEqual([2040, 2041]);
  });

  it('at the test clock, warns exactly when this year or the next is not covered', async () => {
    const year = new Date(T0).getUTCFullYear();
    const missing = [year, year + 1].filter((y) => !nationalCalendarCoverage().includes(y));
    const warnings = gapWarning(await startUpWarnings(T0));
    if (missing.length === 0) expect(warnings).toEqual([]);
    else expect(warnings.map((w) => w.years)).toEqual([missing]);
  });
});
