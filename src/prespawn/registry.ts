/**
 * The brokers of this process by port, on `globalThis`: the plugin that starts a broker and the
 * global setup that must stop its spares before sweeping for leftovers are loaded as separate
 * module instances (the config bundle, and Vitest's module runner).
 */
import type { SpareBroker } from './broker.js';

const KEY = Symbol.for('agent-session-test.prespawn-brokers');

function brokers(): Map<number, SpareBroker> {
  const holder = globalThis as { [KEY]?: Map<number, SpareBroker> };
  return (holder[KEY] ??= new Map());
}

export function registerBroker(broker: SpareBroker): void {
  brokers().set(broker.address.port, broker);
}

export function unregisterBroker(broker: SpareBroker): void {
  brokers().delete(broker.address.port);
}

/** Ends the spares of the broker on `port`, if it is in this process. */
export async function stopSparesOf(port: number | undefined): Promise<void> {
  if (port === undefined) return;
  await brokers().get(port)?.stopSpares();
}

/** The run has its id (the global setup gave it): the broker on `port` may start what carries it. */
export function runTaggedOf(port: number | undefined): void {
  if (port === undefined) return;
  brokers().get(port)?.runTagged();
}
