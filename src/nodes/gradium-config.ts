/**
 * `gradium-config`: where to connect and with which key. Holds no socket: each gradium-stt stream opens its
 * own session through `connection()`, each gradium-tts utterance through `ttsConnection()`. Also serves the
 * editor's "Check key" button and the voice list of the gradium-tts dialog.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { EndpointError, resolveEndpoint, resolveTtsEndpoint } from '../gradium/endpoints';
import { GradiumError } from '../gradium/errors';
import { checkKey } from '../gradium/key-check';
import { listVoices } from '../gradium/voices';
import { CONFIG_SPEC } from '../settings/config-spec';
import type { GradiumConfigCredentials, GradiumConfigNode, GradiumConfigProps } from './node-config';


type ConfigDef = NodeDef & GradiumConfigProps;

interface CheckKeyBody {
  id?: unknown;
  region?: unknown;
  endpoint?: unknown;
  apiKey?: unknown;
}

/** The editor shows this in a saved password field instead of the key. */
const SAVED_PASSWORD = '__PWRD__';

export = function register(RED: NodeAPI): void {
  /** Key from the credential, `${ENV}` in it, or GRADIUM_API_KEY; never logged. */
  function resolveKey(raw: string | undefined, node: Node | undefined): string {
    const text = (raw ?? '').trim();
    const env = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(text);
    if (env) return String(RED.util.evaluateNodeProperty(env[1]!, 'env', node as Node, {}) ?? '').trim();
    return text || (process.env.GRADIUM_API_KEY ?? '').trim();
  }

  function GradiumConfig(this: Node<GradiumConfigCredentials>, def: ConfigDef): void {
    RED.nodes.createNode(this, def);
    const node = this as GradiumConfigNode;
    node.region = def.region || 'global';
    node.endpoint = def.endpoint || '';
    const connectionTo = (resolve: typeof resolveEndpoint) => (): { url: string; apiKey: string } => {
      let url: string;
      try {
        url = resolve(node.region, node.endpoint);
      } catch (err) {
        throw new GradiumError('network', (err as EndpointError).message, null, 'config', 'BAD_ENDPOINT');
      }
      const apiKey = resolveKey(node.credentials?.apiKey, node);
      if (!apiKey) {
        throw new GradiumError(
          'http',
          'No Gradium API key: set one in the gradium-config node or the GRADIUM_API_KEY environment variable.',
          null,
          'auth',
          'NO_KEY',
        );
      }
      return { url, apiKey };
    };
    node.connection = connectionTo(resolveEndpoint);
    node.ttsConnection = connectionTo(resolveTtsEndpoint);
  }

  RED.nodes.registerType<Node<GradiumConfigCredentials>, ConfigDef, Record<string, unknown>, GradiumConfigCredentials>('gradium-config', GradiumConfig, {
    credentials: { apiKey: { type: 'password' } },
    // The region list for the dialog's validator (one source of truth, src/settings/config-spec.ts).
    settings: { gradiumConfigSpec: { value: CONFIG_SPEC, exportable: true } },
  });

  /**
   * Where and with which key an editor request asks Gradium: the dialog's current values (region, endpoint, a
   * key just typed) over the deployed node's. The answer is an error in words, or the URL and key.
   */
  function editorConnection(
    body: CheckKeyBody,
    resolve: typeof resolveEndpoint,
  ): { url: string; apiKey: string } | { result: 'unreachable' | 'no-key'; message: string } {
    const id = typeof body.id === 'string' ? body.id : '';
    const deployed = id ? (RED.nodes.getNode(id) as GradiumConfigNode | null) : null;
    const region = typeof body.region === 'string' ? body.region : (deployed?.region ?? 'global');
    const endpoint = typeof body.endpoint === 'string' ? body.endpoint : (deployed?.endpoint ?? '');
    let typed = typeof body.apiKey === 'string' && body.apiKey !== SAVED_PASSWORD ? body.apiKey : '';
    if (!typed && id) {
      const saved = RED.nodes.getCredentials(id) as GradiumConfigCredentials | undefined;
      typed = saved?.apiKey ?? '';
    }
    const apiKey = resolveKey(typed, deployed ?? undefined);
    let url: string;
    try {
      url = resolve(region, endpoint);
    } catch (err) {
      return { result: 'unreachable', message: (err as Error).message };
    }
    if (!apiKey) return { result: 'no-key', message: 'No key is set here or in GRADIUM_API_KEY.' };
    return { url, apiKey };
  }

  // "Check key" in the config dialog. Needs the right to edit this node type; answers in plain words and
  // never echoes the key.
  RED.httpAdmin.post('/gradium/check-key', RED.auth.needsPermission('gradium-config.write'), (req, res) => {
    const target = editorConnection((req.body ?? {}) as CheckKeyBody, resolveEndpoint);
    if ('result' in target) {
      res.json(target);
      return;
    }
    checkKey(target.url, target.apiKey).then(
      (answer) => res.json(answer),
      () => res.json({ result: 'unreachable', message: 'Gradium could not be reached.' }),
    );
  });

  // The voice list of the gradium-tts dialog: Gradium's catalogue and the account's own voices, read with the
  // config node's key. Guarded like Check key (it uses the key); the key never appears in the answer.
  RED.httpAdmin.post('/gradium/voices', RED.auth.needsPermission('gradium-config.write'), (req, res) => {
    const target = editorConnection((req.body ?? {}) as CheckKeyBody, resolveTtsEndpoint);
    if ('result' in target) {
      res.json(target);
      return;
    }
    listVoices(target.url, target.apiKey).then(
      (answer) => res.json(answer),
      () => res.json({ result: 'unreachable', message: 'Gradium could not be reached.' }),
    );
  });
};
