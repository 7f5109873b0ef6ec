/**
 * The handset key map (按键控制): `dtmf` on a joined leg. Keys may arrive in several actions
 * (`*`, then `5`, then `13800138000#`): what is not yet a whole command waits on the leg.
 */

export type KeyCommand =
  | 'toggle_self_mute'
  | 'joined_count'
  | 'mute_all'
  | 'unmute_all'
  | 'lock'
  | 'unlock'
  | 'dial_out'
  | 'end';

export interface KeyBinding {
  keys: string;
  who: 'anyone' | 'host';
  command: KeyCommand;
  effect: string;
}

/** Served at `GET /v1/conferences/keymap` and documented in the README. */
export const KEY_MAP: readonly KeyBinding[] = Object.freeze([
  { keys: '*6', who: 'anyone', command: 'toggle_self_mute', effect: 'mute / unmute yourself' },
  {
    keys: '*8',
    who: 'anyone',
    command: 'joined_count',
    effect: 'hear how many are joined (an event on the leg)',
  },
  { keys: '*1', who: 'host', command: 'mute_all', effect: 'mute everyone but the host' },
  { keys: '*2', who: 'host', command: 'unmute_all', effect: 'unmute everyone' },
  { keys: '*3', who: 'host', command: 'lock', effect: 'lock the conference: nobody new gets in' },
  { keys: '*4', who: 'host', command: 'unlock', effect: 'unlock the conference' },
  {
    keys: '*5<number>#',
    who: 'host',
    command: 'dial_out',
    effect: 'dial out to that number and add it',
  },
  { keys: '*9', who: 'host', command: 'end', effect: 'end the conference for everyone' },
]);

const BY_KEY = new Map(KEY_MAP.map((b) => [b.keys.slice(0, 2), b]));

export type KeyToken =
  | { kind: 'command'; binding: KeyBinding; keys: string; number?: string }
  | { kind: 'unknown'; keys: string }
  | { kind: 'ignored'; keys: string };

/**
 * Splits the keys pressed so far into whole commands, and what is left waiting (a lone `*`, or
 * `*5` and digits before the `#`). Keys before a `*` mean nothing and are ignored.
 */
export function readKeys(buffer: string): { tokens: KeyToken[]; rest: string } {
  const tokens: KeyToken[] = [];
  let i = 0;
  while (i < buffer.length) {
    if (buffer[i] !== '*') {
      const next = buffer.indexOf('*', i);
      const end = next < 0 ? buffer.length : next;
      tokens.push({ kind: 'ignored', keys: buffer.slice(i, end) });
      i = end;
      continue;
    }
    if (i + 1 >= buffer.length) break;
    const pair = buffer.slice(i, i + 2);
    const binding = BY_KEY.get(pair);
    if (binding === undefined) {
      tokens.push({ kind: 'unknown', keys: pair });
      i += 2;
      continue;
    }
    if (binding.command === 'dial_out') {
      const hash = buffer.indexOf('#', i + 2);
      if (hash < 0) break;
      tokens.push({
        kind: 'command',
        binding,
        keys: buffer.slice(i, hash + 1),
        number: buffer.slice(i + 2, hash),
      });
      i = hash + 1;
      continue;
    }
    tokens.push({ kind: 'command', binding, keys: pair });
    i += 2;
  }
  return { tokens, rest: buffer.slice(i) };
}
