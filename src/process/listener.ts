/**
 * The loopback port an agent connects back to. The agent never retries its connect, so we bind
 * before spawning; we take exactly one connection and stop listening, so nothing else on the
 * machine can drive the session once the agent is in. Before that, a connection is only taken
 * if it comes from the spawned agent's process group (checked through /proc on Linux).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';

export interface AgentListener {
  readonly host: string;
  readonly port: number;
  /** Resolves with the first connection that passes `accept`'s check. */
  readonly connection: Promise<net.Socket>;
  /** Connections refused so far (extra connections, or ones that failed the check). */
  readonly refused: number;
  /** Why each connection was refused, in order. */
  readonly refusals: readonly string[];
  close(): void;
}

export interface ListenOptions {
  /** Decides whether an incoming connection is the agent's; others are dropped. */
  isAgent?: (socket: net.Socket) => boolean | Promise<boolean>;
  /** Called for each connection refused, with why (for error messages and tests). */
  onRefused?: (reason: string) => void;
}

export async function listenForAgent(options: ListenOptions = {}): Promise<AgentListener> {
  const host = '127.0.0.1';
  const server = net.createServer();
  let refused = 0;
  const refusals: string[] = [];
  let accepted: net.Socket | undefined;
  let resolveConnection!: (socket: net.Socket) => void;
  let rejectConnection!: (error: Error) => void;
  const connection = new Promise<net.Socket>((resolve, reject) => {
    resolveConnection = resolve;
    rejectConnection = reject;
  });
  // Nobody may be awaiting yet (e.g. the agent exits first); the rejection is still observed by close().
  connection.catch(() => {});

  const refuse = (socket: net.Socket, reason: string) => {
    refused += 1;
    refusals.push(reason);
    socket.destroy();
    options.onRefused?.(reason);
  };
  server.on('connection', (socket) => {
    // A refused peer that resets the connection must not crash the process.
    socket.on('error', () => {});
    void (async () => {
      if (accepted !== undefined) return refuse(socket, 'the agent is already connected');
      let isAgent = true;
      try {
        isAgent = (await options.isAgent?.(socket)) ?? true;
      } catch {
        isAgent = false;
      }
      if (!isAgent) return refuse(socket, `the connection from port ${socket.remotePort} is not the spawned agent's`);
      if (accepted !== undefined) return refuse(socket, 'the agent is already connected');
      accepted = socket;
      socket.setNoDelay(true);
      // Stop listening: the port now refuses anyone else.
      server.close();
      resolveConnection(socket);
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    host,
    port,
    connection,
    get refused() {
      return refused;
    },
    refusals,
    close() {
      if (server.listening) server.close();
      if (accepted === undefined) rejectConnection(new Error('listener closed before the agent connected'));
    },
  };
}

/** `127.0.0.1:port` as /proc/net/tcp writes it (address in host byte order on little-endian Linux). */
const procAddress = (port: number) => `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The inode of the peer's end of a loopback TCP connection, from /proc/net/tcp: the row whose
 * local address is the peer's and whose remote address is ours. Undefined where /proc is absent.
 */
function peerSocketInode(socket: net.Socket): string | undefined {
  if (socket.remotePort === undefined || socket.localPort === undefined) return undefined;
  const local = procAddress(socket.remotePort);
  const remote = procAddress(socket.localPort);
  const table = readFileSync('/proc/net/tcp', 'latin1');
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === local && fields[2] === remote) return fields[9];
  }
  return undefined;
}

function processGroup(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/** True when a process with a file descriptor on `socket:[inode]` is listed in `pids`. */
function holdsSocket(pids: readonly string[], inode: string): boolean {
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return true;
      } catch {
        // closed meanwhile
      }
    }
  }
  return false;
}

/**
 * Whether the peer of a loopback connection is a process in process group `pgid`. Answers
 * `undefined` where the check cannot be made (no /proc, e.g. macOS): the caller then falls back
 * to taking the first connection.
 */
export function peerInProcessGroup(socket: net.Socket, pgid: number): boolean | undefined {
  let inode: string | undefined;
  try {
    inode = peerSocketInode(socket);
  } catch {
    return undefined;
  }
  // No row, or inode 0: the peer has already closed its end; it cannot be the agent.
  if (inode === undefined || inode === '0') return false;
  const members = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && processGroup(entry) === pgid);
  return holdsSocket(members, inode);
}
