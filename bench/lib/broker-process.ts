/**
 * A pre-spawn broker in a process of its own, as the runner's main process holds it in a test
 * run: prints its address as one JSON line, expects the test files named in argv, and stops
 * (ending its agents) when its stdin closes.
 */
import { SpareBroker } from '../../src/prespawn/broker.js';

const broker = await SpareBroker.start({ spares: 1 });
broker.expect(process.argv.slice(2));
process.stdout.write(`${JSON.stringify(broker.address)}\n`);
// The server is unref'd, as in the runner; stdin keeps this process alive until the bench is done.
process.stdin.on('data', () => {});
process.stdin.on('end', () => {
  void broker.close().then(() => process.exit(0));
});
