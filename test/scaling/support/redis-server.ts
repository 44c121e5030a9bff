/**
 * A real redis-server for the scaling tests: on a free port of 127.0.0.1, in a temporary directory,
 * without persistence (`--save '' --appendonly no`), so a restart loses every key, as the worst case
 * of a Redis failover does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

export const redisServerPath = process.env['REDIS_SERVER'] ?? '/usr/bin/redis-server';

export function redisServerAvailable(): boolean {
  return existsSync(redisServerPath);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class RedisServer {
  readonly port: number;
  readonly dir: string;
  #process: ChildProcess | null = null;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    if (!redisServerAvailable()) throw new Error(`redis-server not found at ${redisServerPath} (apt-get install redis-server, or set REDIS_SERVER)`);
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'qq-redis-')));
    await server.#spawn();
    return server;
  }

  async #spawn(): Promise<void> {
    const child = spawn(redisServerPath, ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    this.#process = child;
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(this.port))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('redis-server did not start listening within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops it (SIGTERM) and waits for the exit. */
  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /** Stop, then start on the same port: every key is gone. */
  async restart(downForMs = 0): Promise<void> {
    await this.stop();
    if (downForMs > 0) await new Promise((resolve) => setTimeout(resolve, downForMs));
    await this.#spawn();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A redis-server for the whole file and a client on it: started before the first test, stopped after the last. */
export function useRedisServer(): { readonly server: RedisServer; readonly client: Redis } {
  let server: RedisServer | undefined;
  let client: Redis | undefined;
  beforeAll(async () => {
    server = await RedisServer.start();
    client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.dispose();
  });
  return {
    get server() {
      if (!server) throw new Error('redis-server is not started yet (use it inside a test)');
      return server;
    },
    get client() {
      if (!client) throw new Error('redis-server is not started yet (use it inside a test)');
      return client;
    },
  };
}
