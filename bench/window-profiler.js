'use strict';
/**
 * A CPU profile of the measurement window only (not start-up, warm-up or shutdown), taken in-process with
 * the inspector, written where run.js --prof says; summarise it with profile-summary.js.
 */
const fs = require('node:fs');
const inspector = require('node:inspector');

function startWindowProfile(intervalUs = 100) {
  const session = new inspector.Session();
  session.connect();
  const post = (method, params = {}) =>
    new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  const started = post('Profiler.enable')
    .then(() => post('Profiler.setSamplingInterval', { interval: intervalUs }))
    .then(() => post('Profiler.start'));
  return {
    started,
    async stop(file) {
      await started;
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      fs.writeFileSync(file, JSON.stringify(profile));
    },
  };
}

module.exports = { startWindowProfile };
