/**
 * Claiming a spare the pre-spawn broker started ahead of time. A spare is only of use when it was
 * launched exactly as this session would launch its agent and this session's model server takes
 * the spare's credential; otherwise it goes back to the broker. The spare's model calls reach the
 * server through the broker, whatever port the server listens on.
 */
import { BrokeredAgent, type ClaimOptions, type SpareOffer } from '../prespawn/client.js';
import type { SpawnSpec } from '../prespawn/spec.js';
import { llmServerAddress } from '../prespawn/spec.js';
import type { LlmListening } from './options.js';

/** The claimed agent, or undefined once the offer is released (the caller starts its own). */
export async function claimSpare(
  offer: SpareOffer,
  spec: SpawnSpec,
  llm: LlmListening | undefined,
  options: ClaimOptions,
): Promise<BrokeredAgent | undefined> {
  // A model server that did not take the spare's credential, or whose address is unknown, makes the spare useless here.
  const model = llm && llmServerAddress(llm);
  const fits = llm === undefined || (model !== undefined && (llm.credential === undefined || llm.credential === offer.llmCredential));
  const claimed = fits ? await offer.claim(spec, model, options) : undefined;
  if (claimed === undefined) offer.release();
  return claimed instanceof BrokeredAgent ? claimed : undefined;
}
