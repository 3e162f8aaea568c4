/**
 * The hooks that expose a gradium-stt or gradium-tts node to Home Assistant through the `wyoming-server` its
 * `wyoming` property names: the node's StreamManager (or its TTS settings and connection) becomes the server's
 * speech-to-text (or text-to-speech) program. One of each per server; a second is a node error. Each returns
 * what detaches it again when the node closes.
 */
import type { Node, NodeAPI, NodeMessageInFlow } from 'node-red';
import { CodedError } from '../common/error-codes';
import { listVoices } from '../gradium/voices';
import { LANGUAGES } from '../gradium/protocol';
import type { StreamManager } from '../streams/stream-manager';
import type { TtsManager } from '../tts/tts-manager';
import type { TtsManagerOptions } from '../tts/tts-manager';
import type { EndOfCommand } from '../settings/wyoming-spec';
import type { VoiceDescription } from '../wyoming/info';
import { deferredProgram, type Readiness } from '../wyoming/deferred-program';
import { SttBinding } from '../wyoming/stt-binding';
import { TtsBinding, type VoiceCatalogue } from '../wyoming/tts-binding';
import type { WyomingServer } from '../wyoming/server';
import type { GradiumConfigNode, WyomingServerNode } from './node-config';
import { testingOverrides } from './node-setup';

/** The languages a Wyoming request may ask for: Gradium's, without `any` (which is not a language). */
const REQUEST_LANGUAGES = LANGUAGES.filter((l) => l !== 'any');

const STATUS = 'node-red-contrib-gradium/wyoming-server:wyoming-server.status.';

function label(node: Node & { name?: string }, type: string): string {
  return `${type} "${node.name || node.id}"`;
}

/** The server node a `wyoming` property names, or null with a node error when it names none that exists. */
function serverOf(RED: NodeAPI, node: Node, id: string): WyomingServerNode | null {
  if (!id) return null;
  const server = RED.nodes.getNode(id) as WyomingServerNode | null;
  if (!server) {
    node.error(new CodedError('NOT_CONFIGURED', `the wyoming-server node ${id} this node names does not exist (deleted or disabled?)`));
    return null;
  }
  return server;
}

/** A port in use (or bad server properties) shows on the attached node too: error and status. */
function reportListenFailure(server: WyomingServerNode, node: Node): void {
  server.listening.catch((err: Error) => {
    const code = err instanceof CodedError ? err.code : 'NOT_CONFIGURED';
    node.error(new CodedError(code, err.message));
    node.status({ fill: 'red', shape: 'ring', text: STATUS + (code === 'PORT_IN_USE' ? 'portInUse' : 'misconfigured') });
  });
}

/** The server a `wyoming` property names, its listen failures shown on `node` too; null when there is none. */
function attachedServer(RED: NodeAPI, node: Node, id: string): WyomingServer | null {
  const serverNode = serverOf(RED, node, id);
  if (!serverNode) return null;
  reportListenFailure(serverNode, node);
  return serverNode.wyoming ?? null;
}

/** Attaches, or shows why not (a second program of the same kind on one server) as a node error and status. */
function attachTo(node: Node, attach: () => () => void): () => void {
  try {
    return attach();
  } catch (err) {
    node.error(err instanceof Error ? err : new Error(String(err)));
    node.status({ fill: 'red', shape: 'ring', text: STATUS + 'taken' });
    return () => undefined;
  }
}

export interface SttAttachOptions {
  wyoming: string;
  endOfCommand: EndOfCommand;
  manager: StreamManager<NodeMessageInFlow>;
  /** The node's audio modules: requests that open before they have loaded wait for them. */
  readiness: Readiness;
}

export function attachStt(RED: NodeAPI, node: Node, o: SttAttachOptions): () => void {
  const server = attachedServer(RED, node, o.wyoming);
  if (!server) return () => undefined;
  const binding = new SttBinding<NodeMessageInFlow>({
    manager: o.manager,
    languages: REQUEST_LANGUAGES,
    nodeLanguage: () => o.manager.settingsFor().language,
    model: () => o.manager.settingsFor().model,
    endOfCommand: o.endOfCommand,
    // The message each request's stream carries: its outputs say what Home Assistant heard, and from whom.
    context: (client) => ({ _msgid: RED.util.generateId(), wyoming: { client: client.id, program: 'asr' } }) as NodeMessageInFlow,
    // Hidden setting `wyomingServerTesting.commandCapMs`: a short cap for tests of the `gradium` end of command.
    capMs: testingOverrides<{ commandCapMs: number }>(RED, 'wyomingServerTesting').commandCapMs,
  });
  const detach = attachTo(node, () => server.attachAsr(deferredProgram(binding, o.readiness), label(node, 'gradium-stt')));
  return () => {
    detach();
    binding.close();
  };
}

export interface TtsAttachOptions {
  wyoming: string;
  config: GradiumConfigNode;
  manager: TtsManager<unknown>;
  testing: Partial<TtsManagerOptions>;
}

export function attachTts(RED: NodeAPI, node: Node, o: TtsAttachOptions): () => void {
  const server = attachedServer(RED, node, o.wyoming);
  if (!server) return () => undefined;
  const nodeVoice = (): VoiceDescription => {
    const id = o.manager.settingsFor('').voice;
    return { id, displayName: id, languages: [...REQUEST_LANGUAGES] };
  };
  let catalogue: VoiceCatalogue | null = null;
  let closed = false;
  // The catalogue is read once, at deploy, with the node's key; until it answers (or if it cannot be read),
  // Home Assistant sees the node's own voice.
  void readCatalogue(o.config).then((voices) => {
    if (closed) return;
    if (voices) catalogue = { voices, complete: true };
    else node.warn('Wyoming: the voice list could not be read; Home Assistant sees only this node\'s voice.');
  });
  const binding = new TtsBinding({
    settings: () => o.manager.settingsFor(''),
    connection: () => o.config.ttsConnection(),
    catalogue: () => catalogue ?? { voices: [nodeVoice()], complete: false },
    limits: o.testing.limits,
    timing: o.testing.timing,
  });
  const detach = attachTo(node, () => server.attachTts(binding, label(node, 'gradium-tts')));
  return () => {
    closed = true;
    detach();
    binding.close();
  };
}

async function readCatalogue(config: GradiumConfigNode): Promise<VoiceDescription[] | null> {
  let connection: { url: string; apiKey: string };
  try {
    connection = config.ttsConnection();
  } catch {
    return null;
  }
  const answer = await listVoices(connection.url, connection.apiKey).catch(() => null);
  if (!answer || answer.result !== 'ok' || answer.voices.length === 0) return null;
  return answer.voices.map((v) => ({
    id: v.id,
    displayName: v.name,
    languages: v.language ? [v.language] : [...REQUEST_LANGUAGES],
  }));
}
