/**
 * The per-session credential of a model server: a random value the harness hands to the agent as
 * its API key(s), so that only the agent it started can use the server. Here, below the model
 * servers, because the pre-spawn broker makes one for each agent it starts ahead of a session.
 */
import { randomBytes } from 'node:crypto';

/**
 * A new credential: 256 random bits. The prefix keeps it from ever reading as a plain word,
 * which redaction would skip.
 */
export function createCredential(): string {
  return `ast_${randomBytes(32).toString('base64url')}`;
}
