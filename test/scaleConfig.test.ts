import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { describeError } from '../src/interfaces/messages.js';

const configError = (env: Record<string, string>) => {
  try {
    readConfig(env);
  } catch (error) {
    return describeError(error);
  }
  throw new Error('expected a ConfigError');
};

describe('readConfig: shards, metrics, model watch', () => {
  it('given nothing then one process, no metrics port, the model folder watched', () => {
    expect(readConfig({})).toMatchObject({ shards: undefined, shardIds: undefined, shardSpawnDelayMs: 5500, metricsPort: undefined, metricsHost: '127.0.0.1', watchModel: true });
  });

  it('given auto, a count and shard ids then they are read', () => {
    expect(readConfig({ ANIREC_SHARDS: 'AUTO' }).shards).toBe('auto');
    expect(readConfig({ ANIREC_SHARDS: '4', ANIREC_SHARD_IDS: '2, 3' })).toMatchObject({ shards: 4, shardIds: [2, 3] });
    expect(readConfig({ ANIREC_METRICS_PORT: '9464', ANIREC_WATCH_MODEL: 'off' })).toMatchObject({ metricsPort: 9464, watchModel: false });
  });

  it('given bad values then each error names its variable', () => {
    expect(configError({ ANIREC_SHARDS: 'many' })).toBe('configuration: ANIREC_SHARDS: "many" is not a whole number');
    expect(configError({ ANIREC_SHARD_IDS: '0' })).toBe('configuration: ANIREC_SHARD_IDS: needs ANIREC_SHARDS (the total shard count, or auto)');
    expect(configError({ ANIREC_SHARDS: '2', ANIREC_SHARD_IDS: '1,2' })).toBe('configuration: ANIREC_SHARD_IDS: shard 2 does not exist with ANIREC_SHARDS=2 (ids are 0..1)');
    expect(configError({ ANIREC_SHARDS: '2', ANIREC_SHARD_IDS: 'a,b' })).toBe('configuration: ANIREC_SHARD_IDS: "a,b" is not a comma-separated list of shard numbers such as 0,1');
    expect(configError({ ANIREC_METRICS_PORT: '70000' })).toBe('configuration: ANIREC_METRICS_PORT: 70000 is outside 0..65535');
    expect(configError({ ANIREC_WATCH_MODEL: 'maybe' })).toBe('configuration: ANIREC_WATCH_MODEL: "maybe" is not true or false');
  });
});
