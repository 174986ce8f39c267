/**
 * ETags remembered between runs (.cache/etags.json), so GET requests can be conditional: GitHub
 * answers an unchanged resource 304 Not Modified, which does not count against the rate limit, and
 * the body saved with the ETag is used instead.
 *
 * Holds response bodies and URLs only: never request headers, so never the token.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { plain } from "../format/plain.js";
import path from "node:path";

export interface EtagEntry {
  etag: string;
  /** The response body as received (decompressed). */
  body: string;
  contentType?: string;
  /** When the entry was last stored or used: entries unused for `maxAgeDays` are dropped on save. */
  usedAt: string;
}

interface FileShape {
  version: 1;
  entries: Record<string, EtagEntry>;
}

export class EtagStore {
  private readonly entries = new Map<string, EtagEntry>();
  private changed = false;

  private constructor(
    readonly file: string | undefined,
    private readonly maxAgeDays: number,
  ) {}

  /** An in-memory store (tests, or when the cache folder cannot be used). */
  static memory(): EtagStore {
    return new EtagStore(undefined, 14);
  }

  /** Reads the store; a missing file is an empty store, a damaged one is ignored with a note. */
  static load(file: string, log: (line: string) => void = () => {}, maxAgeDays = 14): EtagStore {
    const store = new EtagStore(file, maxAgeDays);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") log(`oss-showdown: ${file}: cannot read (${(error as NodeJS.ErrnoException).code}); requests will not be conditional this run`);
      return store;
    }
    try {
      const data = JSON.parse(text) as FileShape;
      if (data?.version !== 1 || typeof data.entries !== "object" || data.entries === null) throw new Error("not an ETag cache");
      for (const [url, e] of Object.entries(data.entries)) {
        if (typeof e?.etag === "string" && typeof e.body === "string" && typeof e.usedAt === "string") store.entries.set(url, e);
      }
    } catch {
      log(`oss-showdown: ${file}: damaged; ignored (it is rebuilt by this run)`);
      store.changed = true;
    }
    return store;
  }

  get size(): number {
    return this.entries.size;
  }

  get(url: string): EtagEntry | undefined {
    return this.entries.get(url);
  }

  set(url: string, entry: Omit<EtagEntry, "usedAt">): void {
    this.entries.set(url, { ...entry, usedAt: new Date().toISOString() });
    this.changed = true;
  }

  /** The entry answered a 304: keep it fresh. */
  touch(url: string): void {
    const e = this.entries.get(url);
    if (!e) return;
    e.usedAt = new Date().toISOString();
    this.changed = true;
  }

  /**
   * Writes the store atomically (temp file, rename), dropping entries unused for maxAgeDays. Returns
   * why it could not, instead of throwing: a lost ETag cache only costs requests.
   */
  save(): string | undefined {
    if (!this.file || !this.changed) return undefined;
    const oldest = Date.now() - this.maxAgeDays * 86_400_000;
    const entries: Record<string, EtagEntry> = {};
    for (const [url, e] of [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (Date.parse(e.usedAt) >= oldest) entries[url] = e;
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(tmp, plain(JSON.stringify({ version: 1, entries } satisfies FileShape)) + "\n");
      renameSync(tmp, this.file);
      this.changed = false;
      return undefined;
    } catch (error) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // the folder itself is the problem
      }
      return `${this.file}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
  }
}
