/**
 * The loopback port an agent connects back to. The agent never retries its connect, so we bind
 * before spawning; we take exactly one connection and stop listening, so nothing else on the
 * machine can drive the session once the agent is in.
 */
import net from 'node:net';

export interface AgentListener {
  readonly host: string;
  readonly port: number;
  /** Resolves with the first connection that passes `accept`'s check. */
  readonly connection: Promise<net.Socket>;
  /** Connections refused so far (extra connections, or ones that failed the check). */
  readonly refused: number;
  close(): void;
}

export interface ListenOptions {
  /** Decides whether an incoming connection is the agent's; others are dropped. */
  isAgent?: (socket: net.Socket) => boolean | Promise<boolean>;
}

export async function listenForAgent(options: ListenOptions = {}): Promise<AgentListener> {
  const host = '127.0.0.1';
  const server = net.createServer();
  let refused = 0;
  let accepted: net.Socket | undefined;
  let resolveConnection!: (socket: net.Socket) => void;
  let rejectConnection!: (error: Error) => void;
  const connection = new Promise<net.Socket>((resolve, reject) => {
    resolveConnection = resolve;
    rejectConnection = reject;
  });
  // Nobody may be awaiting yet (e.g. the agent exits first); the rejection is still observed by close().
  connection.catch(() => {});

  server.on('connection', (socket) => {
    void (async () => {
      if (accepted !== undefined || !(await (options.isAgent?.(socket) ?? true)) || accepted !== undefined) {
        refused += 1;
        socket.destroy();
        return;
      }
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
    close() {
      if (server.listening) server.close();
      if (accepted === undefined) rejectConnection(new Error('listener closed before the agent connected'));
    },
  };
}
