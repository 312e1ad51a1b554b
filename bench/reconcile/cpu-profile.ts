import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * V8's sampling CPU profiler (the one behind `node --cpu-prof`, same 1 ms interval, same .cpuprofile format)
 * around one piece of work in this process, so the profile holds the cycle and not process start-up. The
 * benchmark's children are forked with the parent's execArgv and NODE_OPTIONS may not carry --cpu-prof, so
 * the flag itself is not an option there.
 */
export async function withCpuProfile<T>(file: string, run: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}
