/**
 * Who may use a model server: only requests carrying the server's per-session credential, given
 * to the agent as its API keys. Any local process can find a loopback port; without this it
 * could use the scripted model, or, while a cassette records, the user's real key upstream and
 * the running test's cassette. A plain function of the request, so every route (HTTP or a
 * websocket upgrade) can call it before doing anything else.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export { createCredential } from '../process/credential.js';

/** The LiveKit API key id the agent signs its inference token with; the secret is the credential. Not secret itself. */
export const LIVEKIT_KEY_ID = 'dummy-livekit-api-key';
/** Clock skew allowed on an inference token's `exp` and `nbf`, in seconds. */
const LEEWAY_S = 60;

/**
 * The agent's environment for a credential: the OpenAI and Anthropic clients send it as their
 * key, and LiveKit inference signs its token with it (both variable pairs the SDKs read, so a
 * runner's own `LIVEKIT_INFERENCE_API_*` cannot take precedence).
 */
export function credentialEnv(credential: string) {
  return {
    OPENAI_API_KEY: credential,
    LIVEKIT_API_KEY: LIVEKIT_KEY_ID,
    LIVEKIT_API_SECRET: credential,
    LIVEKIT_INFERENCE_API_KEY: LIVEKIT_KEY_ID,
    LIVEKIT_INFERENCE_API_SECRET: credential,
  };
}

/**
 * Whether a request carries `credential`: as `Authorization: Bearer`, as `x-api-key`
 * (Anthropic clients), or as a Bearer JWT (HS256, unexpired) signed with it, which is how
 * LiveKit inference authenticates.
 */
export function isAuthorized(req: { headers: IncomingHttpHeaders }, credential: string, now = Date.now()): boolean {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(single(req.headers.authorization) ?? '')?.[1];
  const apiKey = single(req.headers['x-api-key']);
  if ((bearer !== undefined && equal(bearer, credential)) || (apiKey !== undefined && equal(apiKey, credential))) return true;
  return bearer !== undefined && verifyJwt(bearer, credential, now) !== undefined;
}

/** The body of the 401 answer, in the OpenAI error shape; it says why without echoing anything sent. */
export function unauthorizedBody(): { error: { message: string; type: string; code: string } } {
  return {
    error: {
      message:
        "agent-session-test: this model server takes requests only with the session's credential (the API key the harness gave the agent)",
      type: 'authentication_error',
      code: 'invalid_api_key',
    },
  };
}

/** The payload of an HS256 JWT signed with `secret` that has not expired; undefined otherwise. */
export function verifyJwt(token: string, secret: string, now = Date.now()): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const alg = (parseJson(header) as { alg?: unknown } | undefined)?.alg;
  if (alg !== 'HS256') return undefined;
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const claims = parseJson(payload);
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { exp, nbf } = claims as { exp?: unknown; nbf?: unknown };
  const seconds = now / 1000;
  // Every LiveKit minter sets `exp`; a token without one would be valid forever.
  if (typeof exp !== 'number' || exp + LEEWAY_S < seconds) return undefined;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf - LEEWAY_S > seconds)) return undefined;
  return claims as Record<string, unknown>;
}

/** An HS256 JWT of `claims`, signed with `secret` (the token LiveKit inference expects, made for the real gateway when recording). */
export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Constant-time comparison, so the answer time tells nothing about how much of a guess was right. */
function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseJson(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
