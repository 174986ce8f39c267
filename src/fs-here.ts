/**
 * The promise-based file calls of the snapshot store and the caches, as suits the thread they run on.
 * On the main thread, node:fs/promises. On a reader thread (snapshot/parallel.ts), writes are the
 * blocking calls behind the same promises: the thread has nothing else to run meanwhile, while each
 * call of node:fs/promises is a round trip through libuv's pool of 4 threads, which the whole process
 * shares with the main thread's flushes. Reads stay as they are: blocking reads were no faster, and
 * took a cold `score` of the bench's history from 461-478 MB to 480-517 MB at its peak (four runs
 * each). With blocking writes: 419-451 MB, and 13-19 s against 16-19 s.
 */
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import { isMainThread } from "node:worker_threads";

/** What of a FileHandle the store uses to read. */
export interface Handle {
  readFile(): Promise<Buffer>;
  stat(options: { bigint: true }): Promise<fs.BigIntStats>;
  close(): Promise<void>;
}

/** What of a FileHandle the store uses to write. */
export interface WriteHandle {
  writeFile(data: string | Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

const blocking = !isMainThread;

class BlockingHandle implements WriteHandle {
  constructor(private readonly fd: number) {}
  async writeFile(data: string | Uint8Array): Promise<void> {
    fs.writeFileSync(this.fd, data);
  }
  async sync(): Promise<void> {
    fs.fsyncSync(this.fd);
  }
  async close(): Promise<void> {
    fs.closeSync(this.fd);
  }
}

export function open(file: string, flags: "r"): Promise<Handle>;
export function open(file: string, flags: "r+" | "w"): Promise<WriteHandle>;
export async function open(file: string, flags: "r" | "r+" | "w"): Promise<Handle | WriteHandle> {
  return blocking && flags !== "r" ? new BlockingHandle(fs.openSync(file, flags)) : fsp.open(file, flags);
}

export const writeFile: (file: string, data: string | Uint8Array) => Promise<void> = blocking ? async (file, data) => fs.writeFileSync(file, data) : fsp.writeFile;

export const rename: (from: string, to: string) => Promise<void> = blocking ? async (from, to) => fs.renameSync(from, to) : fsp.rename;

export const mkdir: (dir: string, options: { recursive: true }) => Promise<string | undefined> = blocking ? async (dir, options) => fs.mkdirSync(dir, options) : fsp.mkdir;

// Reads (see above), and what a reader thread does not do (listing, cleaning up): as they are.
export const { readFile, stat, readdir, rm } = fsp;
