/**
 * `wyoming-server` (config node): the TCP listener Home Assistant's Wyoming integration connects to. It owns the
 * library's WyomingServer (allow-list, connection cap, describe) and the zeroconf advertiser; gradium-stt and
 * gradium-tts attach their programs to it (src/nodes/wyoming-attach.ts). A port in use is a node error and a
 * status on the attached nodes, never a crash; a redeploy closes every connection and frees the port.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { parseProps } from '../settings/spec';
import type { WyomingServerNode, WyomingServerProps } from './node-config';
import { WYOMING_SERVER_SPEC, type WyomingServerValues } from '../settings/wyoming-spec';
import { parseAllowList } from '../wyoming/allow-list';
import { WyomingServer } from '../wyoming/server';
import { ZeroconfAdvertiser } from '../wyoming/zeroconf';


/** Hidden setting `wyomingServerTesting`: zeroconf options for tests (bind to loopback), a short command cap. */
interface WyomingTesting {
  zeroconf?: { addresses?: string[]; mdns?: Record<string, unknown> };
  commandCapMs?: number;
}

function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'node-red-contrib-gradium' && pkg.version) return pkg.version;
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

export = function register(RED: NodeAPI): void {
  const version = packageVersion();

  function WyomingServerConfig(this: Node, def: NodeDef & WyomingServerProps): void {
    RED.nodes.createNode(this, def);
    const node = this as WyomingServerNode;
    let props: WyomingServerValues;
    let server: WyomingServer;
    try {
      props = parseProps(WYOMING_SERVER_SPEC, def as unknown as Record<string, unknown>);
      server = new WyomingServer({
        name: props.name,
        host: props.host,
        port: props.port,
        allow: parseAllowList(props.allow),
        maxConnections: props.maxConnections,
        version,
      });
    } catch (err) {
      const message = `wyoming-server is misconfigured: ${(err as Error).message}`;
      node.error(message);
      node.wyoming = null;
      node.listening = Promise.reject(new Error(message));
      node.listening.catch(() => undefined);
      return;
    }
    node.wyoming = server;
    const where = `${props.host}:${props.port}`;
    if (props.allow.trim() === '*') node.warn(`Wyoming server ${where} accepts connections from anyone (allow "*"): Wyoming has no authentication, and every connection spends the Gradium account's credits.`);

    let advertiser: ZeroconfAdvertiser | null = null;
    let closed = false;
    // Refusals are logged, but at most one line per kind per minute: a scanner must not flood the log.
    const lastLogged = new Map<string, number>();
    server.on('refused', (client, code, text) => {
      const now = Date.now();
      if (now - (lastLogged.get(code) ?? 0) < 60_000) return;
      lastLogged.set(code, now);
      node.warn(`Wyoming ${client.id}: ${text} (${code})`);
    });

    node.listening = server.listen().then(() => {
      node.log(`Wyoming server listening on ${props.host}:${server.port} (allow ${props.allow})`);
      if (!props.advertise || closed) return;
      const testing = ((RED.settings as unknown as Record<string, unknown>).wyomingServerTesting ?? {}) as WyomingTesting;
      try {
        advertiser = new ZeroconfAdvertiser({
          name: props.name,
          port: server.port,
          addresses: testing.zeroconf?.addresses,
          mdns: testing.zeroconf?.mdns,
          onWarning: (m) => node.warn(m),
        });
      } catch (err) {
        node.warn(`zeroconf advertising failed: ${(err as Error).message}; add the integration by host and port.`);
      }
    });
    node.listening.catch((err: Error) => node.error(err.message));

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      const stopping = advertiser ? advertiser.stop() : Promise.resolve();
      Promise.all([stopping, server.close()]).then(
        () => done(),
        () => done(),
      );
    });
  }

  // The dialog's status line: listening or why not, connections open, and those refused (allow, maxConnections).
  RED.httpAdmin.get('/wyoming-server/:id/status', RED.auth.needsPermission('wyoming-server.read'), (req, res) => {
    const node = RED.nodes.getNode(String(req.params.id)) as WyomingServerNode | null;
    const server = node?.wyoming;
    if (!server) {
      res.json({ state: 'not-deployed' });
      return;
    }
    res.json({ state: server.state, port: server.port, error: server.error?.message ?? null, programs: server.programs, ...server.counters });
  });

  RED.nodes.registerType('wyoming-server', WyomingServerConfig, {
    settings: {
      // The names, defaults and ranges for the dialog's validators (one source of truth).
      wyomingServerSpec: { value: WYOMING_SERVER_SPEC, exportable: true },
      wyomingServerTesting: { value: undefined, exportable: false },
    },
  });
};
