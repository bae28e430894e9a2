export * from './errors.js';
export * from './context.js';
export * from './kinds.js';
export * from './define-plugin.js';
export * from './vector-helpers.js';
export * from './testing.js';
export * from './provider-helpers.js';
