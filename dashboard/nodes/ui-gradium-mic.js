// @ts-check
'use strict';
/**
 * `ui-gradium-mic`: the Node-RED side of the Dashboard 2 microphone. It registers the widget with its
 * group and translates between Dashboard and the flow; everything else lives in lib/.
 *
 * Dashboard calls the widget's `beforeSend` hook for two different things: browser actions (audio from a
 * tab) and messages arriving at the node's input (transcripts fed back, remote start/stop, ui_update).
 * Nothing in a message tells them apart reliably (a browser can send any property), so the node listens
 * to its own input first: Node-RED calls input listeners in the order they were added, and Dashboard's
 * listener calls beforeSend synchronously, so a beforeSend call inside that window is a flow input, and
 * any other is a browser action. Inputs are never forwarded to the outputs (no loop into gradium-stt).
 */
const { MicRouter } = require('./lib/mic-router');
const { readSettings, readUpdate } = require('./lib/mic-settings');

const STALE_CHECK_MS = 5000;

/** @param {unknown} v */
function describeAction(v) {
  return typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : typeof v;
}

/** @param {any} RED the Node-RED runtime API */
module.exports = function register(RED) {
  /**
   * @this {any} the node Node-RED creates
   * @param {Record<string, unknown> & {id: string, group: string}} config
   */
  function UIGradiumMicNode(config) {
    RED.nodes.createNode(this, config);
    /** @type {any} */
    const node = this;
    const tr = (/** @type {string} */ key, /** @type {Record<string, unknown>} */ params = {}) =>
      RED._(`ui-gradium-mic.${key}`, params);

    const { settings, problems } = readSettings(config);
    for (const problem of problems) node.warn(problem);

    const group = RED.nodes.getNode(config.group);
    if (!group) {
      node.status({ fill: 'red', shape: 'ring', text: tr('status.noGroup') });
      node.error(tr('errors.noGroup'));
      return;
    }
    const base = group.getBase();

    /** Settings as they are now: the deployed ones, changed by msg.ui_update. */
    const effective = { ...settings };
    const router = new MicRouter({ widgetId: node.id, settings: () => effective, warn: (text) => node.warn(text) });

    let lastStatus = '';
    /** While something records, a check every few seconds forgets tabs that vanished mid-recording. */
    /** @type {NodeJS.Timeout | null} */
    let staleCheck = null;
    function showStatus() {
      if (router.recording > 0 && !staleCheck) {
        staleCheck = setTimeout(() => {
          staleCheck = null;
          router.presses.sweep();
          showStatus();
        }, STALE_CHECK_MS);
      }
      const recording = router.recording;
      const refused = router.refusals.total;
      let text = recording > 0 ? tr('status.recording', { count: recording }) : tr('status.idle');
      if (refused > 0) text += ` · ${tr('status.refused', { count: refused })}`;
      if (text === lastStatus) return;
      lastStatus = text;
      node.status({ fill: refused > 0 ? 'yellow' : recording > 0 ? 'green' : 'grey', shape: recording > 0 ? 'dot' : 'ring', text });
    }

    // Added before group.register adds Dashboard's own input listener, so it runs first (see above).
    let inputWindow = false;
    node.on('input', function markFlowInput() {
      inputWindow = true;
      queueMicrotask(() => {
        inputWindow = false;
      });
    });

    /** A message from the flow: checked, its settings stored, returned unchanged for the browsers. */
    function flowInput(/** @type {Record<string, unknown>} */ msg) {
      const updates = readUpdate(msg.ui_update);
      if (msg.action !== undefined && msg.action !== 'start' && msg.action !== 'stop') {
        throw new Error(tr('errors.action', { got: describeAction(msg.action) }));
      }
      for (const [name, value] of Object.entries(updates)) base.stores.state.set(base, node, msg, name, value);
      Object.assign(effective, updates);
      return msg;
    }

    const evts = {
      onAction: true,
      /** @param {Record<string, unknown>} msg */
      beforeSend(msg) {
        if (inputWindow) {
          inputWindow = false;
          return flowInput(msg);
        }
        const out = router.route(msg);
        showStatus();
        return out;
      },
      // Replaces Dashboard's default, which would store the message and send it on to the outputs.
      onInput() {},
    };

    group.register(node, { ...config, ...settings }, evts);
    showStatus();

    node.on('close', function onClose() {
      if (staleCheck) clearTimeout(staleCheck);
      staleCheck = null;
      router.close();
    });
  }

  RED.nodes.registerType('ui-gradium-mic', UIGradiumMicNode);
};
