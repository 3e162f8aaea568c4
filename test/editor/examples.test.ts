/**
 * The flows under examples/ (Import → Examples): each parses, uses only Node-RED core nodes and this
 * package's, is wired consistently, explains itself in a Comment node, and configures gradium-stt with
 * the properties and values the editor would save.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { STT_DEFAULTS, TTS_DEFAULTS } from '../../src/nodes/node-config';
import {
  coreNodeTypes,
  evaluateDefinitions,
  exampleFiles,
  NODE_SETS,
  readSourceHtml,
  type EvaluatedDefinition,
  type FlowNode,
} from './editor-files';

const OUR_TYPES = new Set<string>(NODE_SETS);
const REQUIRED = ['sample', 'mqtt', 'hermes', 'settings', 'flush', 'answer', 'dashboard'];

function readFlow(file: string): FlowNode[] {
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.ok(Array.isArray(parsed), 'an example is an array of nodes');
  for (const node of parsed) {
    assert.ok(node && typeof node === 'object', 'every entry is an object');
    const n = node as Record<string, unknown>;
    assert.equal(typeof n.id, 'string');
    assert.equal(typeof n.type, 'string');
  }
  return parsed as FlowNode[];
}

describe('examples', () => {
  const files = exampleFiles();
  const core = coreNodeTypes();
  const stt = evaluateDefinitions(readSourceHtml('gradium-stt'))['gradium-stt'] as EvaluatedDefinition;
  const tts = evaluateDefinitions(readSourceHtml('gradium-tts'))['gradium-tts'] as EvaluatedDefinition;

  it('there is an example for each use the issue names', () => {
    const names = files.map((f) => path.basename(f).toLowerCase());
    for (const word of REQUIRED) assert.ok(names.some((n) => n.includes(word)), `no example about ${word}`);
  });

  it('core node types were found (the known-type check has something to compare with)', () => {
    for (const type of ['inject', 'debug', 'comment', 'mqtt in', 'file in', 'change', 'switch', 'function']) {
      assert.ok(core.has(type), type);
    }
  });

  for (const file of files) {
    describe(path.basename(file), () => {
      const flow = readFlow(file);
      const byId = new Map(flow.map((n) => [n.id, n]));

      it('uses only core node types and this package’s', () => {
        const unknown = flow.map((n) => n.type).filter((t) => !core.has(t) && !OUR_TYPES.has(t));
        assert.deepEqual(unknown, []);
        assert.ok(flow.some((n) => n.type === 'gradium-stt' || n.type === 'gradium-tts'), 'no gradium-stt or gradium-tts node');
      });

      it('has a Comment node that explains it', () => {
        const comments = flow.filter((n) => n.type === 'comment');
        assert.ok(comments.length >= 1);
        assert.ok(comments.some((c) => typeof c.info === 'string' && c.info.length > 100), 'the comment has no explanation');
      });

      it('has unique ids and wires that point at nodes of the flow', () => {
        assert.equal(byId.size, flow.length);
        for (const node of flow) {
          for (const port of node.wires ?? []) {
            for (const target of port) assert.ok(byId.has(target), `${node.id} wired to missing ${target}`);
          }
        }
        const stts = flow.filter((n) => n.type === 'gradium-stt');
        for (const n of stts) assert.equal(n.wires?.length, 3, 'gradium-stt has three outputs');
        const fed = new Set(flow.flatMap((n) => (n.wires ?? []).flat()));
        for (const n of stts) assert.ok(fed.has(n.id), 'nothing sends to gradium-stt');
        const ttss = flow.filter((n) => n.type === 'gradium-tts');
        for (const n of ttss) assert.equal(n.wires?.length, 2, 'gradium-tts has two outputs');
        for (const n of ttss) assert.ok(fed.has(n.id), 'nothing sends to gradium-tts');
      });

      it('gradium-tts nodes carry exactly the saved properties, with valid values and a config', () => {
        for (const node of flow.filter((n) => n.type === 'gradium-tts')) {
          const props = Object.keys(node).filter((k) => !['id', 'type', 'z', 'x', 'y', 'wires', 'g'].includes(k));
          assert.deepEqual(props.sort(), [...Object.keys(TTS_DEFAULTS), 'gradium'].sort());
          const config = byId.get(String(node.gradium));
          assert.equal(config?.type, 'gradium-config', 'gradium does not name a gradium-config of the flow');
          for (const [prop, d] of Object.entries(tts.defaults)) {
            if (!d.validate) continue;
            const result = d.validate.call(node, node[prop], { label: String(d.label) });
            assert.equal(result, true, `${prop}: ${String(result)}`);
          }
        }
      });

      it('a gradium-tts speaking output wired into gradium-stt goes to the stt node of the same flow', () => {
        for (const node of flow.filter((n) => n.type === 'gradium-tts')) {
          for (const target of node.wires?.[1] ?? []) {
            const t = byId.get(target);
            if (t?.type === 'gradium-stt') assert.equal(t.keyProperty, node.keyProperty, 'the same key on both nodes');
          }
        }
      });

      it('gradium-stt nodes carry exactly the saved properties, with valid values and a config', () => {
        for (const node of flow.filter((n) => n.type === 'gradium-stt')) {
          const props = Object.keys(node).filter((k) => !['id', 'type', 'z', 'x', 'y', 'wires', 'g'].includes(k));
          assert.deepEqual(props.sort(), [...Object.keys(STT_DEFAULTS), 'gradium'].sort());
          const config = byId.get(String(node.gradium));
          assert.equal(config?.type, 'gradium-config', 'gradium does not name a gradium-config of the flow');
          for (const [prop, d] of Object.entries(stt.defaults)) {
            if (!d.validate) continue;
            const result = d.validate.call(node, node[prop], { label: String(d.label) });
            assert.equal(result, true, `${prop}: ${String(result)}`);
          }
        }
      });

      it('config nodes use the global region and carry no key', () => {
        for (const node of flow.filter((n) => n.type === 'gradium-config')) {
          assert.equal(node.region, 'global');
          assert.equal(node.endpoint, '');
          assert.ok(!('credentials' in node), 'an example must not carry credentials');
        }
        assert.ok(!/gsk_[A-Za-z0-9]/.test(fs.readFileSync(file, 'utf8')), 'something that looks like a key');
      });

      it('MQTT inputs that carry audio deliver Buffers', () => {
        for (const node of flow.filter((n) => n.type === 'mqtt in' && /audio/i.test(String(n.topic)))) {
          assert.equal(node.datatype, 'buffer', `${String(node.topic)} is not read as a Buffer`);
        }
      });
    });
  }
});
