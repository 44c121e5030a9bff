/**
 * The part of an ioredis client this package uses, typed structurally so the published types do not
 * import ioredis (an optional peer dependency): an `ioredis` `Redis` or `Cluster` instance fits.
 */
export interface RedisClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'PX', milliseconds: number): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
  eval(script: string, numberOfKeys: number, ...args: (string | number)[]): Promise<unknown>;
}
