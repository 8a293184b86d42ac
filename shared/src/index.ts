export * from './domain.js';
export * from './errors.js';
export * from './events.js';
export * from './rest.js';
export * from './settings.js';
