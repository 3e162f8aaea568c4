/**
 * `npm run soak` (not part of `npm test`): 30 min of audio (SOAK_MINUTES to change it; `--short` for 2 min)
 * through a gradium-stt node, once with the voice gate (`sendAudio: "speech"`, the default users run) and
 * once with `sendAudio: "always"`; every sample and word accounted for (soak-run.ts). Exits 1 on a failure.
 */
import { describeSoak, runSoak } from './soak-run';

const MINUTES = process.argv.includes('--short') ? 2 : Number(process.env.SOAK_MINUTES ?? 30);

async function main(): Promise<void> {
  let failed = false;
  for (const sendAudio of ['speech', 'always'] as const) {
    console.log(`\nsoak: ${MINUTES} min of audio, sendAudio "${sendAudio}"`);
    const result = await runSoak({ minutes: MINUTES, sendAudio, log: (line) => console.log(line) });
    for (const line of describeSoak(result)) console.log(line);
    if (result.failures.length > 0) failed = true;
  }
  if (failed) {
    console.error('SOAK FAILED');
    process.exitCode = 1;
  } else {
    console.log('\nsoak ok');
  }
}

main().catch((err: Error) => {
  console.error(err);
  process.exitCode = 1;
});
