/**
 * Loads `proto/agent_session.proto` once and exposes encode/decode for the envelope.
 * The schema is parsed at run time (protobufjs reflection) rather than generated, so the
 * `.proto` file stays the single source of the field numbers.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { WireEnvelope } from './wire.js';

// src/protocol and dist/protocol are both two levels below the package root.
const PROTO_PATH = fileURLToPath(new URL('../../proto/agent_session.proto', import.meta.url));

let envelopeType: protobuf.Type | undefined;

function envelope(): protobuf.Type {
  if (envelopeType === undefined) {
    const root = protobuf.loadSync(PROTO_PATH);
    envelopeType = root.lookupType('livekit.agent.AgentSessionMessage');
  }
  return envelopeType;
}

/** Decodes one frame payload. Unknown fields are skipped; malformed bytes throw. */
export function decodeEnvelope(payload: Uint8Array): WireEnvelope {
  return envelope().decode(payload) as unknown as WireEnvelope;
}

/** Encodes an envelope given as a plain object (camelCase field names). */
export function encodeEnvelope(message: Record<string, unknown>): Uint8Array {
  const type = envelope();
  return type.encode(type.fromObject(message)).finish();
}
