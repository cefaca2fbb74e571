/** What went wrong on the wire, for tests and for the troubleshooting table. */
export type ProtocolFault = 'oversized-frame' | 'undecodable-frame' | 'truncated-frame' | 'unexpected-message';

/** The peer broke the agent session protocol; the connection cannot be trusted afterwards. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  readonly fault: ProtocolFault;

  constructor(message: string, fault: ProtocolFault, options?: ErrorOptions) {
    super(message, options);
    this.fault = fault;
  }
}
