/**
 * The control channel between the CLI and its daemon: one JSON line per request, one per answer,
 * over loopback TCP. Each request carries the daemon's credential (from the 0600 state file); the
 * daemon drops a connection whose first line lacks it, so only the project's own user gets in.
 */
import { connect } from 'node:net';
import type { AgentInfo, TurnRecord } from '../turn/types.js';
import type { ModelSource } from './state.js';

export type ControlRequest =
  | { command: 'say'; text: string; timeout?: number }
  | { command: 'listen'; timeout?: number }
  | { command: 'restart' }
  | { command: 'stop' }
  | { command: 'history' }
  | { command: 'status' }
  | { command: 'ping' };

/** A failure the daemon reports: the error's code and its full message (which quotes the agent's output). */
export interface ControlFailure {
  ok: false;
  code: string;
  message: string;
  turn?: TurnRecord;
}

export type ControlAnswer =
  | { ok: true; turn: TurnRecord }
  | { ok: true; heard: TurnRecord | null }
  | { ok: true; restarted: { agentPid?: number } }
  | { ok: true; turns: TurnRecord[] }
  | {
      ok: true;
      status: {
        name: string;
        agentFile: string;
        agentPid?: number;
        model: ModelSource;
        turns: number;
        agent: Omit<AgentInfo, 'chatContext'>;
      };
    }
  | { ok: true }
  | ControlFailure;

/** Why a request got no answer: nothing listens (a dead daemon) or the daemon went away mid-request. */
export class ControlUnreachable extends Error {
  override name = 'ControlUnreachable';
}

/** Sends one request and resolves its answer; `timeout` bounds the whole exchange. */
export function request(port: number, credential: string, body: ControlRequest, timeout: number): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ControlUnreachable(`the daemon did not answer within ${timeout} ms`));
    }, timeout);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ ...body, credential })}\n`));
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(new ControlUnreachable(error.message));
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const line = received.split('\n')[0];
      if (!line) return reject(new ControlUnreachable('the daemon closed the connection without an answer'));
      try {
        resolve(JSON.parse(line) as ControlAnswer);
      } catch {
        reject(new ControlUnreachable('the daemon answered with something that is not JSON'));
      }
    });
  });
}
