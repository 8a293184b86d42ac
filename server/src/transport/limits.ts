// The limits are a service now (service/limits.ts); re-exported for the composition root, which
// imports them from this file.
export { type LimitRules, Limits } from '../service/limits.js';
