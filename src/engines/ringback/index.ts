/** Group ringback (集团彩铃) policy resolution: compile once per change, resolve per call. */
export { type CompiledGroupRingback, compileGroupRingback } from './compile.js';
export { describeSchedule, explainRingback } from './explain.js';
export { resolveRingback } from './resolve.js';
export type * from './types.js';
export { validateRingbackPolicy } from './validate.js';
