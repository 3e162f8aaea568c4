'use strict';
/**
 * A CPU profile of the measurement window only (not start-up, warm-up or shutdown), taken in-process with
 * the inspector, written where run.js --prof says; summarise it with profile-summary.js.
 */
const fs = require('node:fs');
const inspector = require('node:inspector');

/**
 * @param intervalUs CPU sampling interval
 * @param heap also sample allocations (a .heapprofile beside the .cpuprofile: where the garbage comes from)
 */
function startWindowProfile(intervalUs = 100, heap = false) {
  const session = new inspector.Session();
  session.connect();
  const post = (method, params = {}) =>
    new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  const started = post('Profiler.enable')
    .then(() => post('Profiler.setSamplingInterval', { interval: intervalUs }))
    .then(() => heap && post('HeapProfiler.enable'))
    .then(() => heap && post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }))
    .then(() => post('Profiler.start'));
  return {
    started,
    async stop(file) {
      await started;
      const { profile } = await post('Profiler.stop');
      fs.writeFileSync(file, JSON.stringify(profile));
      if (heap) {
        const { profile: allocations } = await post('HeapProfiler.stopSampling');
        fs.writeFileSync(file.replace(/\.cpuprofile$/, '') + '.heapprofile', JSON.stringify(allocations));
      }
      session.disconnect();
    },
  };
}

module.exports = { startWindowProfile };
