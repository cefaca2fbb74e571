/** The harness's one error class and the factories that write its messages, one per code. */
export * from './agent-session-error.js';
export * from './messages.js';
