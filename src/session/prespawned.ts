/**
 * Claiming a spare the pre-spawn broker started ahead of time. A spare is only of use when it was
 * launched exactly as this session would launch its agent, and its model server settings are the
 * ones this session's server could take; otherwise it goes back to the broker.
 */
import { BrokeredAgent, type ClaimOptions, type SpareOffer } from '../prespawn/client.js';
import type { SpawnSpec } from '../prespawn/spec.js';
import { llmServerPort } from '../prespawn/spec.js';
import type { LlmListening } from './options.js';

/** The claimed agent, or undefined once the offer is released (the caller starts its own). */
export async function claimSpare(
  offer: SpareOffer,
  spec: SpawnSpec,
  llm: LlmListening | undefined,
  options: ClaimOptions,
): Promise<BrokeredAgent | undefined> {
  // A model server that could not take the spare's port or credential makes the spare useless here.
  const fits =
    llm === undefined || (llmServerPort(llm) === offer.llmPort && (llm.credential === undefined || llm.credential === offer.llmCredential));
  const claimed = fits ? await offer.claim(spec, options) : undefined;
  if (claimed === undefined) offer.release();
  return claimed instanceof BrokeredAgent ? claimed : undefined;
}
