export * from './machine.js';
export { PROMPTS } from './prompts.js';
export { type ConferenceLeg, startCall, startConferenceLeg } from './start.js';
export * from './types.js';
