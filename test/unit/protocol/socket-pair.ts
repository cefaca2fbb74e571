/** A connected pair of loopback sockets in this process, for a peer scripted by the test. */
import net from 'node:net';

export async function socketPair(): Promise<[near: net.Socket, far: net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const near = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const far = await accepted;
  server.close();
  return [near, far];
}
