/**
 * Websocket upgrades on the model servers: the speech sockets agents open next to their chat
 * calls (LiveKit inference STT and TTS, OpenAI realtime transcription). One entry point takes
 * the upgrade request; `authorize` runs before anything else and a refusal is a 401.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

import { serveInferenceStt } from './inference-stt.js';
import { serveInferenceTts } from './inference-tts.js';
import { serveRealtimeTranscription } from './openai-realtime-stt.js';

export interface SpeechUpgradeOptions {
  /** Decides whether the request may open a socket; called first. Required: no server of ours is open to anyone. */
  authorize: (req: IncomingMessage) => boolean;
  /** Names the server in refusals, e.g. `the scripted LLM`. */
  serverName: string;
}

export interface SpeechUpgrades {
  /** Handles a server's `upgrade` event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Terminates every open socket (an HTTP server's close leaves upgraded sockets alone). */
  closeAll(): void;
}

type Route = (ws: WebSocket) => void;

/**
 * Cloud models the SDKs replace with a local one when their socket is refused (the turn
 * detector falls back to its bundled mini model, adaptive interruption to VAD-based
 * interruption); their protocols are binary and model-specific, so they are refused on purpose.
 */
const LOCAL_FALLBACKS = /\/(?:eot|bargein)$/;

const ROUTES: Readonly<Record<string, Route>> = {
  stt: serveInferenceStt,
  tts: serveInferenceTts,
  realtime: serveRealtimeTranscription,
};

/**
 * The route name of an upgrade path. LiveKit inference URLs end in `/v1` on the scripted server
 * and `/inference/v1` on the cassette server; OpenAI base URLs end in `/v1`.
 */
export function speechRoute(url: string | undefined): string | undefined {
  const path = new URL(url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
  const name = /^(?:\/inference)?(?:\/v1)?\/([a-z]+)$/.exec(path)?.[1];
  return name !== undefined && Object.hasOwn(ROUTES, name) ? name : undefined;
}

/** Writes a plain HTTP answer on a socket that asked to upgrade, and drops it. */
function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ error: { message, type: status === 401 ? 'authentication_error' : 'not_found_error' } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function speechUpgrades(options: SpeechUpgradeOptions): SpeechUpgrades {
  const { authorize } = options;
  // noServer: the HTTP server stays ours; this only does the handshake and the framing.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      if (!authorize(req)) {
        refuse(socket, 401, 'Unauthorized', `agent-session-test: ${options.serverName} refused the websocket: missing or wrong credential`);
        return;
      }
      const name = speechRoute(req.url);
      if (name === undefined) {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        const local = LOCAL_FALLBACKS.test(path)
          ? ' The turn detector and the adaptive interruption model have local fallbacks the agent switches to on this refusal.'
          : '';
        refuse(
          socket,
          404,
          'Not Found',
          `agent-session-test: ${options.serverName} serves websockets at /v1/stt, /v1/tts and /v1/realtime; got ${path}.${local}`,
        );
        return;
      }
      const route = ROUTES[name]!;
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => ws.terminate());
        route(ws);
      });
    },
    closeAll() {
      for (const ws of wss.clients) ws.terminate();
    },
  };
}
