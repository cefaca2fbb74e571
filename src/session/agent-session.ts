/** A LiveKit agent session: how it starts (./start.ts) and the running session (./livekit-session.ts). */
export { startAgentSession } from './start.js';
export { AgentSession, type GreetingOptions, type RequestCallOptions, type SayOptions } from './livekit-session.js';
