import { SnapshotError } from "../errors.js";
import { TOOL } from "../tool.js";
import { SCHEMA_VERSION } from "./schema.js";

/**
 * Lifts a snapshot's JSON from schema version `from` to `from + 1`. Works on plain parsed JSON (the
 * old shape has no zod schema any more), returns a new object and never mutates its input.
 */
export interface Migration {
  from: number;
  /** One line for the changelog, e.g. "raw.stars split into stars and watchers". */
  summary: string;
  migrate(data: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Every snapshot format some release of oss-showdown wrote, as the chain that brings it to the current
 * one. When a release changes the snapshot shape: bump SCHEMA_VERSION, append `{ from: <old>, ... }`
 * here, and store a file of the old version under tests/fixtures/snapshots/ so that reading it stays
 * tested.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    from: 1,
    summary: "rubric, ratings and scores dropped: they are computed from the config when read",
    // Dropped whatever they hold: a v1 file whose derived parts are damaged still reads.
    migrate({ rubric: _rubric, ...rest }) {
      const projects = Array.isArray(rest.projects)
        ? rest.projects.map((p: unknown) => {
            if (!isRecord(p)) return p;
            const { ratings: _ratings, scores: _scores, ...facts } = p;
            return facts;
          })
        : rest.projects;
      return { ...rest, projects };
    },
  },
];

/** The oldest schemaVersion any release wrote. */
export const OLDEST_SCHEMA_VERSION = 1;

export interface MigrationPlan {
  current: number;
  oldest: number;
  migrations: readonly Migration[];
}

const DEFAULT_PLAN: MigrationPlan = { current: SCHEMA_VERSION, oldest: OLDEST_SCHEMA_VERSION, migrations: MIGRATIONS };

function isRecord(data: unknown): data is Record<string, unknown> {
  return typeof data === "object" && data !== null && !Array.isArray(data);
}

/**
 * Brings the parsed JSON of a snapshot of any version this tool ever wrote to the current shape, in
 * memory; validation against the current schema comes after. Refuses files from a newer oss-showdown (the
 * message names the version that wrote it), and files without a usable schemaVersion. Anything that
 * is not an object is passed on for the schema to reject.
 */
export function migrateSnapshot(file: string, data: unknown, plan: MigrationPlan = DEFAULT_PLAN): unknown {
  if (!isRecord(data)) return data;
  const version = data.schemaVersion;
  if (typeof version !== "number" || !Number.isInteger(version)) {
    const got = version === undefined ? "missing" : JSON.stringify(version);
    throw new SnapshotError(file, `not a valid snapshot: schemaVersion is ${got} (expected a whole number from ${plan.oldest} to ${plan.current})`);
  }
  if (version > plan.current) {
    const tool = isRecord(data.tool) && typeof data.tool.version === "string" ? data.tool.version : undefined;
    const which = tool === undefined ? "" : ` (the file was written by oss-showdown ${tool}; this is ${TOOL.version})`;
    throw new SnapshotError(file, `schemaVersion ${version} was written by a newer oss-showdown; this one reads up to ${plan.current}: upgrade oss-showdown${which}`);
  }
  if (version < plan.oldest) {
    throw new SnapshotError(file, `schemaVersion ${version} is older than any oss-showdown release wrote (the oldest is ${plan.oldest}): not a oss-showdown snapshot?`);
  }
  let current: Record<string, unknown> = data;
  for (let v = version; v < plan.current; v++) {
    const step = plan.migrations.find((m) => m.from === v);
    if (!step) throw new SnapshotError(file, `no migration from schemaVersion ${v} to ${v + 1} (a bug in oss-showdown: please report it)`);
    current = { ...step.migrate(current), schemaVersion: v + 1 };
  }
  return current;
}
