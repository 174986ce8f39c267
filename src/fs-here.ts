/**
 * The promise-based file calls of the snapshot store and the caches, as suits the thread they run on.
 * On the main thread, node:fs/promises. On a reader thread (snapshot/parallel.ts), the blocking calls
 * behind the same promises: the thread exists to do this work and has nothing else to run meanwhile,
 * while each call of node:fs/promises is a round trip through libuv's pool of 4 threads, which the
 * whole process shares with the main thread's flushes. A rewrite of the bench's 365 files after a
 * rubric edit: 7.2-8.0 -> 6.6-7.1 s, 21,000 -> 8,700 involuntary context switches.
 */
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import { isMainThread } from "node:worker_threads";

/** What of a FileHandle the store uses. */
export interface Handle {
  readFile(): Promise<Buffer>;
  writeFile(data: string | Uint8Array): Promise<void>;
  stat(options: { bigint: true }): Promise<fs.BigIntStats>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

const blocking = !isMainThread;

class BlockingHandle implements Handle {
  constructor(private readonly fd: number) {}
  async readFile(): Promise<Buffer> {
    return fs.readFileSync(this.fd);
  }
  async writeFile(data: string | Uint8Array): Promise<void> {
    fs.writeFileSync(this.fd, data);
  }
  async stat(options: { bigint: true }): Promise<fs.BigIntStats> {
    return fs.fstatSync(this.fd, options);
  }
  async sync(): Promise<void> {
    fs.fsyncSync(this.fd);
  }
  async close(): Promise<void> {
    fs.closeSync(this.fd);
  }
}

export const open: (file: string, flags: "r" | "r+" | "w") => Promise<Handle> = blocking ? async (file, flags) => new BlockingHandle(fs.openSync(file, flags)) : fsp.open;

export const readFile: typeof fsp.readFile = blocking ? ((async (file: fs.PathLike, options?: BufferEncoding | { encoding?: BufferEncoding | null }) => fs.readFileSync(file, options)) as typeof fsp.readFile) : fsp.readFile;

export const writeFile: (file: string, data: string | Uint8Array) => Promise<void> = blocking ? async (file, data) => fs.writeFileSync(file, data) : fsp.writeFile;

export const rename: (from: string, to: string) => Promise<void> = blocking ? async (from, to) => fs.renameSync(from, to) : fsp.rename;

export const mkdir: (dir: string, options: { recursive: true }) => Promise<string | undefined> = blocking ? async (dir, options) => fs.mkdirSync(dir, options) : fsp.mkdir;

export const stat: typeof fsp.stat = blocking ? ((async (file: fs.PathLike, options?: { bigint?: boolean }) => fs.statSync(file, { bigint: options?.bigint ?? false })) as typeof fsp.stat) : fsp.stat;

// Not on a reader thread's path (listing, cleaning up): as they are.
export const { readdir, rm } = fsp;
