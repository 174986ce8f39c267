import { SCHEMA_VERSION, type ProjectFacts, type Snapshot } from "./schema.js";

export type SnapshotParts = Omit<Snapshot, "schemaVersion">;

/** The snapshot of what was collected: projects by id, so the file is the same whatever order the fetches completed in. Pure. */
export function buildSnapshot(parts: SnapshotParts): Snapshot {
  return {
    schemaVersion: SCHEMA_VERSION,
    cohort: parts.cohort,
    asOf: parts.asOf,
    generatedAt: parts.generatedAt,
    tool: parts.tool,
    windowDays: parts.windowDays,
    requests: parts.requests,
    projects: [...parts.projects].sort(byId),
    ...(parts.warnings && parts.warnings.length > 0 ? { warnings: parts.warnings } : {}),
  };
}

/** By id (equal ids as given). */
function byId(a: ProjectFacts, b: ProjectFacts): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
