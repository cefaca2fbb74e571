/** Transcripts of turn records for humans: what the matchers print on failure. */
export { renderTurn, renderSession, truncate, DEFAULT_MAX_LENGTH } from './render-turn.js';
export { conversationSnapshot } from './snapshot.js';
export type { RenderOptions } from './render-turn.js';
export { shouldColor, stripAnsi } from './color.js';
