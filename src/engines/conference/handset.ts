import { addAndDial, muteAll, setLocked, unmuteAll } from './control.js';
import { type Draft, joinedCount, stale } from './draft.js';
import { type KeyBinding, readKeys } from './keymap.js';
import { CONFERENCE_PROMPTS as PROMPTS } from './prompts.js';
import type { ConferenceAction, ConferenceEnvironment, ConferenceTransition } from './types.js';

/**
 * Handset keys on a joined leg (按键控制), read against the key map: a host key from anyone else
 * changes nothing but a `key_refused` on that leg.
 */

type KeyOutcome = 'continue' | 'stop';

/** Handset keys on a joined leg, read against the key map; what is not yet a whole command waits. */
export function keys(
  draft: Draft,
  action: Extract<ConferenceAction, { kind: 'keys' }>,
  env: ConferenceEnvironment,
): ConferenceTransition | undefined {
  const p = draft.find(action.participantId);
  if (p === undefined || p.state !== 'joined' || p.callId !== action.callId) return stale(action.callId);
  const { tokens, rest } = readKeys(`${p.keys}${action.digits}`.slice(-64));
  let added = 0;
  for (const token of tokens) {
    if (token.kind === 'ignored') continue;
    if (token.kind === 'unknown') {
      draft.announce(p.callId, 'announcement', PROMPTS.unknownKey, {
        reason: 'unknown_key',
        keys: token.keys,
      });
      continue;
    }
    const nextId = added === 0 ? action.nextId : `${action.nextId}${added}`;
    const outcome = command(draft, p.id, token.binding, token.keys, token.number ?? '', nextId, env);
    if (token.binding.command === 'dial_out') added++;
    if (outcome === 'stop') return undefined;
  }
  draft.edit(p.id, { keys: rest });
  return undefined;
}

function command(
  draft: Draft,
  participantId: string,
  binding: KeyBinding,
  keys: string,
  number: string,
  nextId: string,
  env: ConferenceEnvironment,
): KeyOutcome {
  const p = draft.find(participantId)!;
  const leg = p.callId;
  if (binding.who === 'host' && p.role !== 'host') {
    draft.announce(leg, 'key_refused', PROMPTS.hostOnly, { keys });
    draft.event('key_refused', { participantId: p.id, msisdn: p.msisdn, keys });
    return 'continue';
  }
  switch (binding.command) {
    case 'toggle_self_mute': {
      const muted = !p.muted;
      draft.edit(p.id, { muted });
      draft.event(muted ? 'muted' : 'unmuted', { participantId: p.id, msisdn: p.msisdn, by: 'self' });
      draft.announce(leg, 'announcement', muted ? PROMPTS.muted : PROMPTS.unmuted, {
        reason: muted ? 'muted' : 'unmuted',
        keys,
      });
      return 'continue';
    }
    case 'joined_count': {
      const n = joinedCount(draft.conference);
      draft.announce(leg, 'joined_count', PROMPTS.joinedCount(n), { joinedCount: n, keys });
      return 'continue';
    }
    case 'mute_all':
      muteAll(draft, 'host_keys');
      return 'continue';
    case 'unmute_all':
      unmuteAll(draft, 'host_keys');
      return 'continue';
    case 'lock':
      setLocked(draft, true, 'host_keys');
      return 'continue';
    case 'unlock':
      setLocked(draft, false, 'host_keys');
      return 'continue';
    case 'dial_out': {
      const resolved = env.resolveNumber(number);
      if (resolved === null) {
        draft.announce(leg, 'announcement', PROMPTS.invalidNumber, { reason: 'invalid_number', keys });
        return 'continue';
      }
      const refused = addAndDial(draft, { id: nextId, ...resolved }, 'host_keys');
      if (refused !== undefined && !refused.ok) {
        const text =
          refused.code === 'conference_full'
            ? PROMPTS.fullForAdd
            : refused.code === 'conference_locked'
              ? PROMPTS.lockedForAdd
              : PROMPTS.alreadyIn;
        draft.announce(leg, 'announcement', text, { reason: refused.code, keys });
        return 'continue';
      }
      draft.announce(leg, 'announcement', PROMPTS.dialling(resolved.msisdn), { reason: 'dialling', keys });
      return 'continue';
    }
    case 'end':
      draft.end('ended_by_host');
      return 'stop';
  }
}
