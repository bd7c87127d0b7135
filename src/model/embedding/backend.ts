/**
 * TF.js with the fastest backend available: the native @tensorflow/tfjs-node when it is installed (an
 * optional dependency that needs internet at install time), else the pure-JS cpu backend of
 * @tensorflow/tfjs. One info line says which runs; tfjs's own "install our node backend" banner is muted.
 */
export type Tf = typeof import('@tensorflow/tfjs');

export interface LoadedTf {
  tf: Tf;
  backend: string;
}

let loaded: Promise<LoadedTf> | undefined;

async function importTf(log: (line: string) => void): Promise<LoadedTf> {
  try {
    // A string variable keeps TypeScript from requiring the optional package's types.
    const nodeName = '@tensorflow/tfjs-node';
    const tf = (await import(nodeName)) as Tf;
    await tf.ready();
    log(`anirec: TF.js backend ${tf.getBackend()} (@tensorflow/tfjs-node)`);
    return { tf, backend: 'tensorflow' };
  } catch {
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    await tf.ready();
    // The cpu backend prints a banner on its first tensor unless told it has been used already.
    const cpu = tf.backend() as unknown as { firstUse?: boolean };
    cpu.firstUse = false;
    log('anirec: TF.js backend cpu (@tensorflow/tfjs; install @tensorflow/tfjs-node for the native one)');
    return { tf, backend: 'cpu' };
  }
}

/** Loads TF.js once per process; later calls share it. `log` receives the one info line. */
export function loadTf(log: (line: string) => void = (line) => process.stderr.write(line + '\n')): Promise<LoadedTf> {
  loaded ??= importTf(log);
  return loaded;
}
