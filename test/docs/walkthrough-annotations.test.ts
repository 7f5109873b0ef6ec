import { describe, expect, it } from 'vitest';
import { mismatches, toScript, verify, walkthroughBlocks } from '../helpers/walkthrough.js';

/** How the README walk-through's test reads the README, and that it fails where they disagree. */

const README = [
  '# x',
  '<!-- walkthrough -->',
  '```sh',
  'BASE=http://127.0.0.1:3000 KEY=$(cat data/admin-api-key)',
  'G=$(curl -s $BASE/v1/groups | field id)   # → 201 name=河北 id=$G',
  '```',
  '<!-- walkthrough restart: CLOCK=simulated -->',
  '```sh',
  'curl -s "$BASE/v1/sim/clock"   # → 200 ~"mode":"simulated"',
  '```',
].join('\n');

describe('the walk-through annotations', () => {
  it('finds the marked blocks, their restarts, and runs them with the test server and key', () => {
    const blocks = walkthroughBlocks(README);
    expect(blocks.map((b) => [b.line, b.restart])).toEqual([
      [3, null],
      [8, { CLOCK: 'simulated' }],
    ]);
    expect(toScript(blocks[0]!, 'http://127.0.0.1:4321', 'k1').split('\n')).toEqual([
      'BASE=http://127.0.0.1:4321 KEY=k1',
      'G=$(curl -s $BASE/v1/groups | field id)   # → 201 name=河北 id=$G',
      '__expect 5 "201 name=河北 id=$G"',
    ]);
    expect(toScript(blocks[1]!, 'u', 'k')).toContain('__expect 9 "200 ~\\"mode\\":\\"simulated\\""');
  });

  it('compares the status, dot paths and contained text', () => {
    const answer = { status: 201, body: '{"id":"g1","items":[{"name":"张兰"}],"n":null}' };
    expect(mismatches('201 id=g1 items.0.name=张兰 items.length=1 n=null ~张兰', answer)).toEqual([]);
    expect(mismatches('200 id=g2 ~王明', answer)).toEqual([
      'status 201, documented 200',
      'id is g1, documented g2',
      'the answer does not contain 王明',
    ]);
    expect(mismatches('201 typo', answer)).toEqual(['"typo" is neither path=value nor ~text']);
    expect(mismatches('created', answer)[0]).toMatch(/must start with a status/);
  });

  it('fails a curl line without its outcome, and one with two calls', () => {
    const ok = () => ({ status: 200, body: '{}' });
    expect(verify([['5', '1', '200']], 1, ok)).toEqual([]);
    expect(verify([['5', '2', '200']], 2, ok)).toEqual([
      'README line 5: 2 curl calls since the last documented one, not 1',
    ]);
    expect(verify([['5', '1', '200']], 3, ok)).toEqual(['2 curl calls after the last documented one']);
  });
});
