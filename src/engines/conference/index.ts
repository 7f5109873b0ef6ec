export { iso, joinedCount, minutesOf } from './draft.js';
export { KEY_MAP, type KeyBinding, type KeyCommand, readKeys } from './keymap.js';
export { allowedConferenceActions, applyConferenceAction } from './machine.js';
export { CONFERENCE_PROMPTS } from './prompts.js';
export { answerDialIn, createConference, dueAtMs, type NewConference } from './room.js';
export * from './types.js';
