import { spawn } from 'node:child_process';

/**
 * `count` processes that each spin on a core until stopped: a neighbour that takes the machine's CPU and nothing
 * of the gateway's. What the quiet tenant's reads cost meanwhile is the floor any gateway on this machine has
 * under a neighbour that keeps its cores busy.
 */
export function burnCpu(count: number): () => Promise<void> {
  const burners = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return async () => {
    await Promise.all(
      burners.map(
        (burner) =>
          new Promise<void>((resolve) => {
            if (burner.exitCode !== null || burner.signalCode !== null) return resolve();
            burner.once('exit', () => resolve());
            burner.kill('SIGKILL');
          }),
      ),
    );
  };
}
