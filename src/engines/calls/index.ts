export * from './machine.js';
export { PROMPTS } from './prompts.js';
export { startCall } from './start.js';
export * from './types.js';
