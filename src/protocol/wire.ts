/**
 * The decoded shapes we read from the wire (protobufjs reflection objects, camelCase).
 * Scalars absent on the wire read as their proto3 defaults; message fields and proto3
 * `optional` scalars read as null or undefined. Oneof names hold the name of the set member.
 */

export interface WireTimestamp {
  seconds: number | { toNumber(): number };
  nanos: number;
}

export interface WireChatMessage {
  id: string;
  role: number;
  content: { text?: string | null }[];
  interrupted: boolean;
  metrics?: WireMetricsReport | null;
  createdAt?: WireTimestamp | null;
}

export interface WireMetricsReport {
  transcriptionDelay?: number | null;
  endOfTurnDelay?: number | null;
  onUserTurnCompletedDelay?: number | null;
  llmNodeTtft?: number | null;
  ttsNodeTtfb?: number | null;
  e2eLatency?: number | null;
  llmNodeTps?: number | null;
  llmNodeTtfs?: number | null;
}

export interface WireFunctionCall {
  id: string;
  callId: string;
  arguments: string;
  name: string;
  createdAt?: WireTimestamp | null;
}

export interface WireFunctionCallOutput {
  id: string;
  name: string;
  callId: string;
  output: string;
  isError: boolean;
  createdAt?: WireTimestamp | null;
}

export interface WireAgentHandoff {
  id: string;
  oldAgentId?: string | null;
  newAgentId: string;
  createdAt?: WireTimestamp | null;
}

export interface WireAgentConfigUpdate {
  id: string;
  instructions?: string | null;
  toolsAdded: string[];
  toolsRemoved: string[];
  createdAt?: WireTimestamp | null;
}

export interface WireChatItem {
  item?: 'message' | 'functionCall' | 'functionCallOutput' | 'agentHandoff' | 'agentConfigUpdate';
  message?: WireChatMessage | null;
  functionCall?: WireFunctionCall | null;
  functionCallOutput?: WireFunctionCallOutput | null;
  agentHandoff?: WireAgentHandoff | null;
  agentConfigUpdate?: WireAgentConfigUpdate | null;
}

export interface WireModelUsage {
  usage?: 'llm' | 'tts' | 'stt' | 'interruption' | 'eot';
  llm?: Record<string, number | string> | null;
  tts?: Record<string, number | string> | null;
  stt?: Record<string, number | string> | null;
  interruption?: Record<string, number | string> | null;
  eot?: Record<string, number | string> | null;
}

export interface WireSessionUsage {
  modelUsage: WireModelUsage[];
}

export interface WireEvent {
  createdAt?: WireTimestamp | null;
  event?: string;
  agentStateChanged?: { oldState: number; newState: number } | null;
  userStateChanged?: { oldState: number; newState: number } | null;
  conversationItemAdded?: { item?: WireChatItem | null } | null;
  userInputTranscribed?: { transcript: string; isFinal: boolean } | null;
  functionToolsStarted?: { functionCalls: WireFunctionCall[] } | null;
  functionToolsExecuted?: { functionCalls: WireFunctionCall[]; functionCallOutputs: WireFunctionCallOutput[] } | null;
  error?: { message: string } | null;
  sessionUsageUpdated?: { usage?: WireSessionUsage | null } | null;
  toolExecutionUpdated?: WireToolExecutionUpdated | null;
  agentFalseInterruption?: { resumed: boolean } | null;
}

export interface WireToolExecutionUpdated {
  update?: 'started' | 'callUpdated' | 'replyUpdated' | 'ended';
  started?: { functionCall?: WireFunctionCall | null } | null;
  callUpdated?: { id: string; callId: string; message: string } | null;
  replyUpdated?: { updateIds: string[]; status: number; speechId: string } | null;
  ended?: { id: string; callId: string; message?: string | null; status: number } | null;
}

export interface WireResponse {
  requestId: string;
  error?: string | null;
  response?: string;
  pong?: object | null;
  getChatHistory?: { items: WireChatItem[] } | null;
  runInput?: { items: WireChatItem[] } | null;
  getAgentInfo?: { id: string; instructions?: string | null; tools: string[]; chatCtx: WireChatItem[] } | null;
  getSessionState?: {
    agentState: number;
    userState: number;
    agentId: string;
    options: Record<string, string>;
    createdAt?: WireTimestamp | null;
  } | null;
  getSessionUsage?: { usage?: WireSessionUsage | null } | null;
  getFrameworkInfo?: { sdk: string; sdkVersion: string } | null;
  updateIo?: object | null;
}

export interface WireEnvelope {
  message?:
    'audioInput' | 'audioOutput' | 'event' | 'request' | 'response' | 'audioPlaybackFlush' | 'audioPlaybackClear' | 'audioPlaybackFinished';
  event?: WireEvent | null;
  response?: WireResponse | null;
}

/** The request kinds we send (the oneof member names of SessionRequest). */
export type RequestKind =
  'ping' | 'getChatHistory' | 'runInput' | 'getAgentInfo' | 'getSessionState' | 'getSessionUsage' | 'getFrameworkInfo' | 'updateIo';
